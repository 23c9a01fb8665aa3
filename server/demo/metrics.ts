/**
 * The demo workspace's shared metrics: seventeen metrics with two years of plausible monthly
 * actuals (and half a year of weekly ones for the fast-moving leading indicators), quarterly
 * targets in Acme's fiscal calendar (FY starts in April: FY27 = Apr 2026 – Mar 2027), and the
 * FY27 strategy narrative's commitments, made by `$` chips in its text (seedDemoChipCommitments). The numbers agree with the demo narratives
 * (pipeline $4.1M against $4.0M in FY27 Q1, MQL→SQL 15.5%, 52% of leads accepted, win rate 21%).
 */
import * as Y from 'yjs'
import { $getRoot } from 'lexical'
import * as q from '#db/queries/metrics.ts'
import { appendNarrativeUpdateGroups, getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { applyStoredLog } from '#app/document/stored-log.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { $createChipNode } from '#app/document/nodes/ChipNode.ts'
import { syncNarrativeLinks } from '#app/services/narrative-links.server.ts'
import { deriveContent } from '#app/document/content.ts'
import { bindEditor } from '#app/document/lexical.ts'
import type { Aggregation, Direction, IndicatorKind, Unit } from '#app/domain/metrics.ts'
import {
  anchorDay,
  formatDate,
  periodKey,
  periodOf,
  periodRange,
  periodsBetween,
  shiftPeriod,
  today,
  type FiscalCalendar,
  type Granularity,
  type Period,
} from '#app/domain/periods.ts'
import type { MemberFunction } from '#app/domain/policies.ts'
import type { DemoExtender } from '#server/seed.ts'

const CAL: FiscalCalendar = { startMonth: 4 }

interface DemoMetric {
  key: string
  name: string
  definition: string
  unit: Unit
  direction?: Direction
  indicator: IndicatorKind
  aggregation: Aggregation
  owner: MemberFunction
  source: string
  goal?: string
  northStar?: boolean
  funnelStep?: number
}

const METRICS: DemoMetric[] = [
  {
    key: 'revenue',
    name: 'Revenue',
    definition: 'New and expansion ARR booked from closed-won opportunities in the period, as recognised by finance.',
    unit: 'currency',
    indicator: 'lagging',
    aggregation: 'sum',
    owner: 'finance',
    source: 'NetSuite',
    northStar: true,
  },
  {
    key: 'pipeline',
    name: 'Marketing-sourced pipeline',
    definition:
      'Amount of opportunities created in the period whose first touch was a marketing programme, at the stage-2 amount, excluding renewals.',
    unit: 'currency',
    indicator: 'lagging',
    aggregation: 'sum',
    owner: 'marketing_ops',
    source: 'Salesforce',
    goal: 'revenue',
  },
  {
    key: 'mqls',
    name: 'MQLs',
    definition: 'Leads that reached a score of 60 in the marketing automation platform in the period, deduplicated by email and account.',
    unit: 'count',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'marketing',
    source: 'Marketo',
    goal: 'revenue',
    funnelStep: 1,
  },
  {
    key: 'leads_accepted',
    name: 'Leads accepted',
    definition: 'MQLs delivered to sales in the period that a rep accepted (status "Accepted" in Salesforce) within the two-day SLA.',
    unit: 'count',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'pipeline',
    funnelStep: 2,
  },
  {
    key: 'leads_rejected',
    name: 'Leads rejected',
    definition: 'MQLs delivered to sales in the period that a rep rejected, with a reason (wrong fit, no budget, duplicate, student…).',
    unit: 'count',
    direction: 'lower',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'pipeline',
  },
  {
    key: 'sqls',
    name: 'SQLs',
    definition: 'MQLs accepted by sales in the period (status "Sales accepted" in Salesforce).',
    unit: 'count',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'revenue',
    funnelStep: 3,
  },
  {
    key: 'mql_to_sql',
    name: 'MQL→SQL conversion',
    definition: 'SQLs in the period ÷ MQLs in the period.',
    unit: 'percent',
    indicator: 'leading',
    aggregation: 'average',
    owner: 'marketing_ops',
    source: 'Salesforce',
    goal: 'pipeline',
  },
  {
    key: 'opportunities',
    name: 'Opportunities',
    definition: 'Opportunities created in the period from marketing-sourced SQLs.',
    unit: 'count',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'pipeline',
    funnelStep: 4,
  },
  {
    key: 'deals_won',
    name: 'Deals won',
    definition: 'Marketing-sourced opportunities closed-won in the period.',
    unit: 'count',
    indicator: 'lagging',
    aggregation: 'sum',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'revenue',
    funnelStep: 5,
  },
  {
    key: 'win_rate',
    name: 'Win rate',
    definition: 'Closed-won ÷ (closed-won + closed-lost) for marketing-sourced opportunities closed in the period.',
    unit: 'percent',
    indicator: 'lagging',
    aggregation: 'average',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'revenue',
  },
  {
    key: 'cac',
    name: 'Customer acquisition cost',
    definition: 'Sales and marketing spend in the period ÷ new customers won in the period.',
    unit: 'currency',
    direction: 'lower',
    indicator: 'lagging',
    aggregation: 'average',
    owner: 'finance',
    source: 'NetSuite',
    goal: 'revenue',
  },
  {
    key: 'average_deal_size',
    name: 'Average deal size',
    definition: 'Revenue of deals won in the period ÷ number of deals won.',
    unit: 'currency',
    indicator: 'lagging',
    aggregation: 'average',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'revenue',
  },
  {
    key: 'sales_cycle_days',
    name: 'Sales cycle',
    definition: 'Median days from opportunity creation to closed-won, for deals won in the period.',
    unit: 'days',
    direction: 'lower',
    indicator: 'lagging',
    aggregation: 'average',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'revenue',
  },
  {
    key: 'email_engagement',
    name: 'Email engagement rate',
    definition: 'Unique clicks ÷ delivered emails across nurture and newsletter sends.',
    unit: 'percent',
    indicator: 'leading',
    aggregation: 'average',
    owner: 'marketing',
    source: 'Marketo',
    goal: 'mqls',
  },
  {
    key: 'web_traffic',
    name: 'Website sessions',
    definition: 'Sessions on acme.com excluding known bots and employees.',
    unit: 'count',
    indicator: 'leading',
    aggregation: 'sum',
    owner: 'marketing',
    source: 'Google Analytics',
    goal: 'mqls',
  },
  {
    key: 'target_account_engagement',
    name: 'Target-account engagement',
    definition: 'Share of the 600 target accounts with two or more contacts engaged in the last 90 days, at the end of the period.',
    unit: 'percent',
    indicator: 'leading',
    aggregation: 'last',
    owner: 'marketing_ops',
    source: '6sense',
    goal: 'pipeline',
  },
  {
    key: 'lead_acceptance_rate',
    name: 'Lead acceptance rate',
    definition: 'Leads accepted by sales ÷ leads delivered to sales in the period; rejected leads carry a reason in the CRM.',
    unit: 'percent',
    indicator: 'leading',
    aggregation: 'average',
    owner: 'sales',
    source: 'Salesforce',
    goal: 'pipeline',
  },
]

/** A small deterministic generator, so every demo database has the same numbers. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const round = (v: number, digits = 0) => Math.round(v * 10 ** digits) / 10 ** digits

type Row = { metric: string; period: Period; value: number }

/** Monthly actuals for 24 months up to last month, from a few curves that agree with each other. */
function monthlyActuals(months: Period[]): Row[] {
  const rnd = random(27)
  const noise = (spread: number) => 1 + (rnd() - 0.5) * 2 * spread
  const rows: Row[] = []
  const n = months.length
  months.forEach((p, i) => {
    const t = i / (n - 1) // 0 two years ago … 1 last month
    const fy27 = p.year * 12 + p.index >= 2026 * 12 + 4 // from April 2026
    const seasonal = 1 + 0.06 * Math.sin(((p.index - 2) / 12) * 2 * Math.PI) - (p.index === 8 || p.index === 12 ? 0.07 : 0)
    const mqls = round(1120 * seasonal * noise(0.05))
    // Conversion 13–14% in FY26, stepping up with the lead-scoring change in FY27 Q1 (15.5% over the quarter).
    const conv = round(fy27 ? 15.2 + (i - (n - 7)) * 0.28 + (rnd() - 0.5) * 0.3 : 13.2 + t * 1.4 + (rnd() - 0.5) * 0.6, 1)
    const sqls = round((mqls * conv) / 100)
    const opps = round(sqls * (0.36 + (rnd() - 0.5) * 0.03))
    const pipeline = round(opps * 21_600 * noise(0.04) * (fy27 ? 1.02 : 0.98), -3)
    const winRate = round(fy27 ? 20.8 + (rnd() - 0.5) * 1.6 : 22.5 + (rnd() - 0.5) * 2.4, 1)
    const deals = round(9.5 * seasonal * noise(0.15) + t * 1.5)
    const dealSize = round(40_500 * noise(0.06) * (1 + t * 0.06), -2)
    const revenue = round((1_380_000 + t * 260_000) * seasonal * noise(0.05), -3)
    const cac = round((fy27 ? 15_200 : 14_600 - t * 400) * noise(0.04), -2)
    const cycle = round(78 - t * 5 + (rnd() - 0.5) * 6)
    const engagement = round(22 + t * 19 + (rnd() - 0.5) * 1.5, 1) // target accounts, 22% → ~41%
    const acceptance = round(fy27 ? 51 + (i - (n - 7)) * 0.6 + (rnd() - 0.5) * 2 : 40 + t * 4 + (rnd() - 0.5) * 2, 1)
    rows.push(
      { metric: 'mqls', period: p, value: mqls },
      { metric: 'mql_to_sql', period: p, value: conv },
      { metric: 'sqls', period: p, value: sqls },
      { metric: 'opportunities', period: p, value: opps },
      { metric: 'pipeline', period: p, value: pipeline },
      { metric: 'win_rate', period: p, value: winRate },
      { metric: 'deals_won', period: p, value: deals },
      { metric: 'average_deal_size', period: p, value: dealSize },
      { metric: 'revenue', period: p, value: revenue },
      { metric: 'cac', period: p, value: cac },
      { metric: 'sales_cycle_days', period: p, value: cycle },
      { metric: 'target_account_engagement', period: p, value: engagement },
      { metric: 'lead_acceptance_rate', period: p, value: acceptance },
    )
  })
  return rows
}

/** Weekly MQLs, sessions and email engagement for the last 26 full weeks; their months agree with them. */
function weeklyActuals(lastWeek: Period): Row[] {
  const rnd = random(47)
  const weeks = periodsBetween(shiftPeriod(lastWeek, -25, CAL), lastWeek, CAL)
  const weekly: Row[] = []
  for (const w of weeks) {
    const holiday = w.index >= 52 || w.index === 1 || (w.index >= 31 && w.index <= 34) ? 0.82 : 1
    weekly.push(
      { metric: 'mqls', period: w, value: round(262 * holiday * (1 + (rnd() - 0.5) * 0.16)) },
      { metric: 'web_traffic', period: w, value: round(10_400 * holiday * (1 + (rnd() - 0.5) * 0.12) * (1 + w.index / 400)) },
      { metric: 'email_engagement', period: w, value: round(21.5 + (rnd() - 0.5) * 3 + (w.index > 36 ? 1.2 : 0), 1) },
    )
  }
  return weekly
}

function sessionsAndEmail(months: Period[]): Row[] {
  const rnd = random(91)
  return months.flatMap((p, i) => [
    { metric: 'web_traffic', period: p, value: round(41_000 * (1 + i / 80) * (1 + (rnd() - 0.5) * 0.1)) },
    { metric: 'email_engagement', period: p, value: round(20.5 + (rnd() - 0.5) * 2.5 + i * 0.05, 1) },
  ])
}

/** Quarterly targets for FY25 Q3 … FY27 Q4 and yearly revenue targets. */
function targets(): Row[] {
  const quarters = periodsBetween({ granularity: 'quarter', year: 2025, index: 3 }, { granularity: 'quarter', year: 2027, index: 4 }, CAL)
  const rows: Row[] = []
  quarters.forEach((p, i) => {
    const fy27 = p.year === 2027
    const q = p.index
    rows.push(
      { metric: 'pipeline', period: p, value: fy27 ? [4.0e6, 4.2e6, 4.4e6, 4.6e6][q - 1]! : 3.6e6 + i * 0.08e6 },
      { metric: 'mql_to_sql', period: p, value: fy27 ? [15, 16, 17.5, 19][q - 1]! : 13.5 + i * 0.2 },
      { metric: 'mqls', period: p, value: 3300 },
      { metric: 'sqls', period: p, value: fy27 ? [500, 530, 580, 630][q - 1]! : 450 + i * 10 },
      { metric: 'opportunities', period: p, value: fy27 ? [185, 195, 210, 225][q - 1]! : 165 + i * 4 },
      { metric: 'deals_won', period: p, value: fy27 ? [33, 35, 37, 40][q - 1]! : 30 },
      { metric: 'win_rate', period: p, value: 24 },
      { metric: 'cac', period: p, value: 14_000 },
      { metric: 'average_deal_size', period: p, value: fy27 ? 43_000 : 41_000 },
      { metric: 'sales_cycle_days', period: p, value: fy27 ? 70 : 75 },
      { metric: 'email_engagement', period: p, value: 22 },
      { metric: 'web_traffic', period: p, value: fy27 ? 135_000 : 125_000 },
      { metric: 'target_account_engagement', period: p, value: fy27 ? [35, 42, 50, 60][q - 1]! : 25 + i * 2 },
      { metric: 'lead_acceptance_rate', period: p, value: fy27 ? [50, 55, 58, 60][q - 1]! : 45 },
      { metric: 'leads_accepted', period: p, value: round((3300 * (fy27 ? [50, 55, 58, 60][q - 1]! : 45)) / 100) },
      { metric: 'leads_rejected', period: p, value: 3300 - round((3300 * (fy27 ? [50, 55, 58, 60][q - 1]! : 45)) / 100) },
      { metric: 'revenue', period: p, value: fy27 ? [4.5e6, 4.7e6, 5.0e6, 5.3e6][q - 1]! : 4.1e6 + i * 0.1e6 },
    )
  })
  rows.push({ metric: 'revenue', period: { granularity: 'year', year: 2027, index: 1 }, value: 19.5e6 })
  return rows
}

function writes(rows: Row[], ids: Map<string, string>): q.ValueWrite[] {
  return rows.map((r) => {
    const range = periodRange(r.period, CAL)
    return {
      metricId: ids.get(r.metric)!,
      period: periodKey(r.period),
      granularity: r.period.granularity as Granularity,
      startsOn: formatDate(range.start),
      endsOn: formatDate(range.end),
      value: r.value,
    }
  })
}

/** Seeds Acme's metrics, their values and the strategy narrative's commitments (in one transaction). */
export const seedDemoMetrics: DemoExtender = async (sql, { workspaceId, people }) => {
  const mops = people['mops@acme.test']!
  const cmo = people['cmo@acme.test']!
  await sql.begin(async (tx) => {
    await q.upsertMetricSettings(tx, workspaceId, {
      fiscalYearStartMonth: CAL.startMonth,
      onTrackThreshold: 0.95,
      atRiskThreshold: 0.85,
      currency: 'USD',
    })
    const ids = new Map<string, string>()
    for (const m of METRICS) {
      const row = await q.insertMetric(tx, {
        workspaceId,
        key: m.key,
        name: m.name,
        definition:
          m.key === 'pipeline'
            ? 'Amount of opportunities created in the period whose first touch was a marketing programme.'
            : m.definition,
        unit: m.unit,
        currency: m.unit === 'currency' ? 'USD' : null,
        direction: m.direction ?? 'higher',
        indicator: m.indicator,
        aggregation: m.aggregation,
        ownerFunction: m.owner,
        sourceSystem: m.source,
        goalMetricId: m.goal ? (ids.get(m.goal) ?? null) : null,
        northStar: m.northStar ?? false,
        funnelStep: m.funnelStep ?? null,
      })
      ids.set(m.key, row.id)
      await q.insertMetricVersion(tx, { metricId: row.id, userId: m.owner === 'marketing' ? cmo : mops })
    }
    // Finance and MOps agreed to count pipeline at the stage-2 amount: version 2 of its definition.
    const pipeline = (await q.getMetricByKey(tx, { workspaceId, key: 'pipeline' }))!
    await q.updateMetric(tx, { ...pipeline, workspaceId, definition: METRICS[1]!.definition, bumpVersion: true })
    await q.insertMetricVersion(tx, { metricId: pipeline.id, userId: mops })

    const now = today()
    const lastMonth = shiftPeriod(periodOf(now, 'month', CAL), -1, CAL)
    const months = periodsBetween(shiftPeriod(lastMonth, -23, CAL), lastMonth, CAL)
    const lastWeek = shiftPeriod(periodOf(now, 'week', CAL), -1, CAL)
    const weekly = weeklyActuals(lastWeek)
    // Monthly values of the weekly metrics: the sum (or mean) of their weeks where weeks exist.
    const monthly = [...monthlyActuals(months), ...sessionsAndEmail(months)]
    for (const key of ['mqls', 'web_traffic', 'email_engagement']) {
      for (const m of months) {
        const { start, end } = periodRange(m, CAL)
        const inside = weekly.filter((w) => w.metric === key && anchorDay(w.period, CAL) >= start && anchorDay(w.period, CAL) < end)
        if (inside.length < 4) continue
        const row = monthly.find((r) => r.metric === key && r.period === m)!
        const sum = inside.reduce((a, w) => a + w.value, 0)
        row.value = key === 'email_engagement' ? round(sum / inside.length, 1) : sum
      }
    }
    // Keep the funnel consistent with the weekly MQLs: SQLs follow from MQLs and conversion.
    for (const m of months) {
      const mq = monthly.find((r) => r.metric === 'mqls' && r.period === m)!.value
      const conv = monthly.find((r) => r.metric === 'mql_to_sql' && r.period === m)!.value
      monthly.find((r) => r.metric === 'sqls' && r.period === m)!.value = round((mq * conv) / 100)
      // Every MQL delivered to sales is accepted or rejected: the acceptance rate splits them.
      const rate = monthly.find((r) => r.metric === 'lead_acceptance_rate' && r.period === m)!.value
      const accepted = round((mq * rate) / 100)
      monthly.push({ metric: 'leads_accepted', period: m, value: accepted }, { metric: 'leads_rejected', period: m, value: mq - accepted })
    }
    await q.upsertValues(tx, { workspaceId, kind: 'actual', source: 'seed', userId: mops, rows: writes([...monthly, ...weekly], ids) })
    await q.upsertValues(tx, { workspaceId, kind: 'target', source: 'seed', userId: mops, rows: writes(targets(), ids) })
  })
}

/**
 * The strategy narrative commits to its goals the way a person would: each goal's metric name in
 * "Goals and metrics" becomes a `$` chip (one Yjs update on top of the seeded document, so the
 * comments anchored elsewhere keep their places), and the server's derivation turns the chips
 * into commitments (from the latest actual to the FY27 target, by 31 March 2027).
 */
export const seedDemoChipCommitments: DemoExtender = async (sql, { workspaceId, people }) => {
  const [strategy] = await sql<{ id: string }[]>`
    select id from narratives where workspace_id = ${workspaceId} and title = 'FY27 account-based pipeline strategy'`
  if (!strategy) return
  const metrics = await q.listMetrics(sql, workspaceId)
  const goals: Record<string, string> = {
    Pipeline: 'pipeline',
    'MQL→SQL conversion': 'mql_to_sql',
    'Target-account engagement': 'target_account_engagement',
  }
  const log = await getNarrativeLog(sql, strategy.id)
  const doc = new Y.Doc()
  // Bound first, so the editor reads the stored document in (as a client joining does).
  const bound = bindEditor(doc)
  const updates: Uint8Array[] = []
  try {
    applyStoredLog(doc, log)
    // The Yjs → Lexical sync schedules an editor update; flush it before editing.
    bound.editor.update(() => {}, { discrete: true })
    doc.on('update', (u: Uint8Array) => updates.push(u))
    bound.editor.update(
      () => {
        for (const node of $getRoot().getAllTextNodes()) {
          const key = goals[node.getTextContent()]
          const metric = key ? metrics.find((m) => m.key === key) : undefined
          if (!metric || !node.hasFormat('bold')) continue
          node.replace($createChipNode({ kind: 'metric', refId: metric.id, refKey: metric.key, label: metric.name }))
        }
      },
      { discrete: true },
    )
  } finally {
    bound.dispose()
  }
  const full = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  if (updates.length === 0) return
  await appendNarrativeUpdateGroups(sql, [
    { narrativeId: strategy.id, updates: updates.map((data) => ({ data, authorId: people['cmo@acme.test']! })) },
  ])
  const derived = deriveContent(full)
  await updateNarrativeDerived(sql, { id: strategy.id, ...derived })
  await syncNarrativeLinks(sql, strategy.id, derived.refs)
}
