/**
 * The demo workspace's roadmap: twenty initiatives over FY27 Q1–Q4 (and a few not yet in a
 * quarter), linked to the demo narratives and to the shared metrics, with stances from sales and
 * finance (and MOps) and a couple of discussion threads. Scoring weights put revenue first.
 */
import * as initiatives from '#db/queries/initiatives.ts'
import * as stances from '#db/queries/stances.ts'
import * as comments from '#db/queries/comments.ts'
import { listNarratives } from '#db/queries/narratives.ts'
import type { EffortSize, InitiativeStatus, Stance } from '#app/domain/prioritisation.ts'
import type { MemberFunction } from '#app/domain/policies.ts'
import type { DemoExtender } from '#server/seed.ts'

type Who = 'cmo' | 'mops' | 'sales' | 'finance'
interface DemoInitiative {
  title: string
  description: string
  owner: Who
  narrative?: 'strategy' | 'qbr'
  timeframe: string
  status: InitiativeStatus
  effort: EffortSize
  weeks?: number
  impacts: [metric: string, change: number, confidence: number][]
  stances?: [who: Who, stance: Stance, reason: string][]
  thread?: [who: Who, body: string][]
}

const FUNCTION: Record<Who, MemberFunction> = { cmo: 'marketing', mops: 'marketing_ops', sales: 'sales', finance: 'finance' }

const ROADMAP: DemoInitiative[] = [
  {
    title: 'Tier-1 account list agreed with sales',
    description: 'One list of 400 target accounts, scored on fit and intent, owned jointly by sales and marketing.',
    owner: 'cmo',
    narrative: 'strategy',
    timeframe: '2027-Q1',
    status: 'done',
    effort: 'S',
    impacts: [
      ['target_account_engagement', 15, 0.7],
      ['lead_acceptance_rate', 8, 0.6],
    ],
    stances: [['sales', 'support', 'Reps finally work the same accounts marketing targets.']],
  },
  {
    title: 'Lead routing SLA in the CRM',
    description: 'Route inbound leads to the account owner within 15 minutes; escalate after 4 working hours.',
    owner: 'mops',
    narrative: 'strategy',
    timeframe: '2027-Q1',
    status: 'done',
    effort: 'M',
    impacts: [
      ['mql_to_sql', 10, 0.7],
      ['sales_cycle_days', -5, 0.5],
    ],
    stances: [['sales', 'support', 'Speed to lead is the biggest lever we have on conversion.']],
  },
  {
    title: 'Contact deduplication and enrichment',
    description: 'Bring the contact duplicate rate under 2% and email fill rate above 90% before scoring goes live.',
    owner: 'mops',
    narrative: 'strategy',
    timeframe: '2027-Q1',
    status: 'done',
    effort: 'M',
    impacts: [['lead_acceptance_rate', 6, 0.6]],
  },
  {
    title: 'Closed-loop reporting: lead reject reasons',
    description: 'Sales records why a lead is rejected; marketing reviews the reasons every week.',
    owner: 'mops',
    narrative: 'qbr',
    timeframe: '2027-Q2',
    status: 'done',
    effort: 'S',
    impacts: [
      ['lead_acceptance_rate', 10, 0.6],
      ['mql_to_sql', 4, 0.5],
    ],
    stances: [
      ['sales', 'support', 'Happy to log reasons if the list stays short: five reasons, not twenty.'],
      ['finance', 'support', 'Gives us a defensible view of lead quality for the budget review.'],
    ],
  },
  {
    title: 'Intent data in account scoring',
    description: 'Add third-party intent signals to the account score so SDRs call accounts that are in market.',
    owner: 'cmo',
    narrative: 'strategy',
    timeframe: '2027-Q2',
    status: 'in_progress',
    effort: 'L',
    impacts: [
      ['pipeline', 6, 0.6],
      ['win_rate', 2, 0.4],
    ],
    stances: [
      ['sales', 'support', 'Intent-led outreach booked twice the meetings in the pilot territory.'],
      ['finance', 'concern', 'The data contract is $60k a year; I want to see the pilot numbers by region first.'],
    ],
    thread: [
      ['finance', 'Can we see the pilot results split by region before we renew the intent contract?'],
      ['cmo', 'Yes: pilot was EMEA only. Pipeline per account +18% vs control; sharing the cut in the QBR.'],
    ],
  },
  {
    title: 'Multi-touch attribution in the warehouse',
    description: 'Replace first-touch attribution with a position-based model computed in the warehouse.',
    owner: 'mops',
    narrative: 'strategy',
    timeframe: '2027-Q2',
    status: 'in_progress',
    effort: 'XL',
    weeks: 10,
    impacts: [['pipeline', 3, 0.4]],
    stances: [
      ['finance', 'support', 'We need this to compare channel ROI on the same rules as sales pipeline.'],
      ['sales', 'concern', 'Worried this becomes another argument about credit rather than revenue.'],
    ],
  },
  {
    title: 'ABM programme for tier-1 accounts',
    description: 'Coordinated ads, direct mail and SDR plays for the 400 tier-1 accounts.',
    owner: 'cmo',
    narrative: 'strategy',
    timeframe: '2027-Q3',
    status: 'in_progress',
    effort: 'XL',
    impacts: [
      ['pipeline', 12, 0.6],
      ['average_deal_size', 8, 0.5],
      ['revenue', 3, 0.4],
    ],
    stances: [
      ['sales', 'support', 'This is exactly where our AEs want air cover.'],
      ['finance', 'concern', 'Direct mail cost per account looks high; can we start with the top 100?'],
    ],
    thread: [
      ['sales', '@Claire Morgan can the first wave include the 30 renewals at risk? Expansion is pipeline too.'],
      ['cmo', 'Good call. Adding them to wave one; MOps will tag them so we can see the effect separately.'],
    ],
  },
  {
    title: 'Sales-accepted lead definition v2',
    description: 'Agree with sales what an accepted lead is, and measure acceptance weekly.',
    owner: 'mops',
    narrative: 'qbr',
    timeframe: '2027-Q3',
    status: 'planned',
    effort: 'S',
    impacts: [
      ['lead_acceptance_rate', 12, 0.7],
      ['mql_to_sql', 6, 0.6],
    ],
    stances: [['sales', 'support', 'A shared definition ends the MQL argument.']],
  },
  {
    title: 'Pipeline review cadence with sales',
    description: 'Weekly joint pipeline review with leading indicators; monthly with finance.',
    owner: 'cmo',
    narrative: 'qbr',
    timeframe: '2027-Q3',
    status: 'planned',
    effort: 'S',
    impacts: [
      ['win_rate', 2, 0.5],
      ['pipeline', 2, 0.5],
    ],
    stances: [
      ['finance', 'support', 'Finance wants to join the monthly one.'],
      ['sales', 'support', 'Yes, if it replaces the separate marketing report.'],
    ],
  },
  {
    title: 'Webinar programme refresh',
    description: 'Fewer, deeper webinars with customers presenting; follow-up sequences per persona.',
    owner: 'cmo',
    timeframe: '2027-Q3',
    status: 'planned',
    effort: 'M',
    impacts: [
      ['mqls', 8, 0.6],
      ['email_engagement', 10, 0.5],
    ],
    stances: [['sales', 'concern', 'Webinar leads convert poorly for us; prove the follow-up works first.']],
  },
  {
    title: 'Customer-advocacy content for late-stage deals',
    description: 'Case studies and reference calls packaged for opportunities in negotiation.',
    owner: 'cmo',
    timeframe: '2027-Q3',
    status: 'proposed',
    effort: 'M',
    impacts: [
      ['win_rate', 4, 0.5],
      ['sales_cycle_days', -6, 0.4],
    ],
    stances: [['sales', 'support', 'Reference calls close deals. We lose time finding them today.']],
  },
  {
    title: 'Predictive lead scoring',
    description: 'Replace the rule-based lead score with a model trained on two years of closed-won data.',
    owner: 'mops',
    narrative: 'strategy',
    timeframe: '2027-Q4',
    status: 'planned',
    effort: 'L',
    impacts: [
      ['mql_to_sql', 15, 0.5],
      ['lead_acceptance_rate', 8, 0.5],
    ],
    stances: [
      ['sales', 'support', 'If the score explains itself, reps will trust it.'],
      ['finance', 'concern', 'Needs clean data first; the duplicate rate is still above target in some regions.'],
    ],
  },
  {
    title: 'Paid search restructure by buying stage',
    description: 'Separate brand, category and competitor campaigns; bid on pipeline, not clicks.',
    owner: 'cmo',
    timeframe: '2027-Q4',
    status: 'planned',
    effort: 'M',
    impacts: [
      ['cac', -10, 0.6],
      ['opportunities', 5, 0.5],
    ],
    stances: [['finance', 'support', 'Bidding on pipeline is the right unit. Please report CAC monthly.']],
  },
  {
    title: 'Partner co-marketing fund',
    description: 'Co-funded campaigns with the three largest implementation partners.',
    owner: 'cmo',
    timeframe: '2027-Q4',
    status: 'proposed',
    effort: 'L',
    impacts: [['pipeline', 5, 0.4]],
    stances: [['finance', 'block', 'No budget line for this in FY27; bring it to the FY28 plan with partner commitments.']],
  },
  {
    title: 'Real-time website personalisation',
    description: 'Personalise the website for tier-1 accounts using the CDP audience in real time.',
    owner: 'mops',
    narrative: 'strategy',
    timeframe: '2027-Q4',
    status: 'proposed',
    effort: 'XL',
    impacts: [
      ['web_traffic', 5, 0.4],
      ['target_account_engagement', 10, 0.4],
    ],
    stances: [['finance', 'concern', 'The CDP renewal is not approved yet.']],
  },
  {
    title: 'Sales cycle acceleration plays',
    description: 'Mutual action plans and stage-specific content for deals stuck over 30 days.',
    owner: 'cmo',
    timeframe: '2027-Q4',
    status: 'proposed',
    effort: 'M',
    impacts: [
      ['sales_cycle_days', -8, 0.5],
      ['win_rate', 2, 0.4],
    ],
  },
  {
    title: 'Revenue dashboard for the board',
    description: 'One board-level view of pipeline, bookings and CAC from the shared metric dictionary.',
    owner: 'mops',
    timeframe: 'next',
    status: 'proposed',
    effort: 'S',
    impacts: [['revenue', 1, 0.3]],
    stances: [['finance', 'support', 'Finance will co-own the definitions.']],
  },
  {
    title: 'Product-led trial nurture',
    description: 'Behaviour-based nurture for free-trial users, handed to sales at the first team invite.',
    owner: 'cmo',
    timeframe: 'later',
    status: 'proposed',
    effort: 'L',
    impacts: [
      ['opportunities', 6, 0.3],
      ['mqls', 10, 0.4],
    ],
  },
  {
    title: 'Field events in three new regions',
    description: 'Executive dinners in Nordics, DACH and Benelux.',
    owner: 'cmo',
    timeframe: 'later',
    status: 'proposed',
    effort: 'L',
    impacts: [['pipeline', 2, 0.3]],
    stances: [
      ['sales', 'support', 'Regional AEs have asked for this.'],
      ['finance', 'concern', 'Cost per opportunity from events was 3× paid search last year.'],
    ],
  },
  {
    title: 'Retire the legacy events tool',
    description: 'Move event registration into the marketing automation platform and cancel the old contract.',
    owner: 'mops',
    timeframe: 'later',
    status: 'dropped',
    effort: 'S',
    impacts: [['cac', -1, 0.5]],
  },
]

/** Seeds the roadmap after the narratives and metrics exist. */
export const seedDemoRoadmap: DemoExtender = async (sql, { workspaceId, people }) => {
  const who: Record<Who, string> = {
    cmo: people['cmo@acme.test']!,
    mops: people['mops@acme.test']!,
    sales: people['sales@acme.test']!,
    finance: people['finance@acme.test']!,
  }
  await sql.begin(async (tx) => {
    const narratives = await listNarratives(tx, { workspaceId })
    const narrativeId = (key?: 'strategy' | 'qbr') =>
      key ? (narratives.find((n) => (key === 'strategy' ? /strategy/i : /business review/i).test(n.title))?.id ?? null) : null
    await initiatives.upsertWeights(tx, workspaceId, {
      metrics: { revenue: 3, pipeline: 2, win_rate: 1.5, mql_to_sql: 1.5 },
      defaultWeight: 1,
      penaliseFailing: true,
      failFactor: 0.5,
    })
    for (const item of ROADMAP) {
      const id = await initiatives.insertInitiative(tx, {
        workspaceId,
        createdBy: who[item.owner],
        title: item.title,
        description: item.description,
        ownerId: who[item.owner],
        narrativeId: narrativeId(item.narrative),
        timeframe: item.timeframe,
        status: item.status,
        effort: item.effort,
        effortWeeks: item.weeks ?? null,
      })
      await initiatives.replaceImpacts(tx, {
        initiativeId: id,
        workspaceId,
        impacts: item.impacts.map(([metric, expectedChange, confidence]) => ({ metric, expectedChange, confidence })),
      })
      for (const [person, stance, reason] of item.stances ?? []) {
        await stances.upsertStance(tx, { initiativeId: id, userId: who[person], stance, reason, function: FUNCTION[person] })
      }
      if (item.thread) {
        const [first, ...replies] = item.thread
        const threadId = await comments.insertThread(tx, { workspaceId, authorId: who[first![0]], initiativeId: id })
        await comments.insertComment(tx, { workspaceId, threadId, authorId: who[first![0]], body: first![1] })
        for (const [person, body] of replies) await comments.insertComment(tx, { workspaceId, threadId, authorId: who[person], body })
      }
    }
  })
}
