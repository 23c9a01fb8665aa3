/**
 * The demo workspace's tech stack: ~25 systems of a mid-market B2B marketing team, their
 * capabilities, integrations and data-quality figures, and requirements on the demo narratives
 * that come out as a mix of pass, at risk, fail and unknown.
 */
import type { Sql, TransactionSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import * as requirements from '#db/queries/requirements.ts'
import type {
  DataObject,
  Direction,
  Frequency,
  IntegrationStatus,
  Lifecycle,
  Measure,
  SupportLevel,
  SystemCategory,
} from '#app/domain/inventory.ts'
import { reevaluateWorkspace } from '#app/services/feasibility.server.ts'
import type { DemoExtender } from '#server/seed.ts'

type S = [
  name: string,
  vendor: string,
  category: SystemCategory,
  lifecycle: Lifecycle,
  extra?: Partial<inv.SystemFields> & { owner?: string },
]

const SYSTEMS: S[] = [
  [
    'Salesforce',
    'Salesforce',
    'crm',
    'active',
    {
      renewalDate: '2027-08-01',
      annualCost: 186000,
      seatsPaid: 120,
      seatsUsed: 104,
      owner: 'sales@acme.test',
      notes: 'Sales Cloud Enterprise. The system of record for accounts and pipeline.',
    },
  ],
  [
    'Marketo Engage',
    'Adobe',
    'marketing_automation',
    'phasing_out',
    {
      endDate: '2027-03-31',
      renewalDate: '2027-03-01',
      annualCost: 96000,
      seatsPaid: 12,
      seatsUsed: 7,
      owner: 'mops@acme.test',
      notes: 'Being replaced by HubSpot; the contract is not renewed beyond March 2027.',
    },
  ],
  [
    'HubSpot Marketing Hub',
    'HubSpot',
    'marketing_automation',
    'evaluating',
    { annualCost: 72000, seatsPaid: 15, seatsUsed: 4, owner: 'mops@acme.test', notes: 'Enterprise tier in a pilot with the EMEA team.' },
  ],
  [
    'Marketo Measure',
    'Adobe',
    'bi',
    'phasing_out',
    { endDate: '2027-03-31', annualCost: 38000, notes: 'Formerly Bizible. Goes with Marketo.' },
  ],
  [
    '6sense',
    '6sense',
    'abm',
    'active',
    { renewalDate: '2027-05-15', annualCost: 84000, seatsPaid: 25, seatsUsed: 19, owner: 'mops@acme.test' },
  ],
  ['Bombora', 'Bombora', 'enrichment', 'active', { renewalDate: '2027-08-01', annualCost: 30000 }],
  ['ZoomInfo', 'ZoomInfo', 'enrichment', 'active', { renewalDate: '2026-12-20', annualCost: 45000, seatsPaid: 40, seatsUsed: 38 }],
  ['Clearbit', 'HubSpot', 'enrichment', 'active', { renewalDate: '2027-04-01', annualCost: 18000 }],
  [
    'LeanData',
    'LeanData',
    'other',
    'active',
    {
      renewalDate: '2027-02-15',
      annualCost: 32000,
      seatsPaid: 6,
      seatsUsed: 5,
      notes: 'Lead-to-account matching and routing into Salesforce.',
    },
  ],
  ['Snowflake', 'Snowflake', 'data_warehouse', 'active', { annualCost: 72000, owner: 'finance@acme.test' }],
  ['dbt Cloud', 'dbt Labs', 'data_warehouse', 'active', { annualCost: 12000, seatsPaid: 8, seatsUsed: 6 }],
  ['Segment', 'Twilio', 'cdp', 'active', { renewalDate: '2027-06-30', annualCost: 30000 }],
  ['Hightouch', 'Hightouch', 'cdp', 'evaluating', { notes: 'Reverse ETL from Snowflake to Salesforce, in a proof of concept.' }],
  ['Looker', 'Google', 'bi', 'active', { renewalDate: '2027-09-01', annualCost: 36000, seatsPaid: 60, seatsUsed: 22 }],
  ['Tableau', 'Salesforce', 'bi', 'retired', { notes: 'Replaced by Looker in 2025.' }],
  ['LinkedIn Ads', 'LinkedIn', 'advertising', 'active', { notes: 'Matched audiences from 6sense segments.' }],
  ['Google Ads', 'Google', 'advertising', 'active', {}],
  ['Outreach', 'Outreach', 'other', 'active', { renewalDate: '2027-07-01', annualCost: 60000, seatsPaid: 80, seatsUsed: 71 }],
  ['Gong', 'Gong', 'other', 'active', { renewalDate: '2027-03-15', annualCost: 54000, seatsPaid: 80, seatsUsed: 64 }],
  ['Drift', 'Salesloft', 'web_cms', 'active', { renewalDate: '2026-12-15', annualCost: 28000, seatsPaid: 20, seatsUsed: 9 }],
  ['Webflow', 'Webflow', 'web_cms', 'active', { annualCost: 9000 }],
  ['WordPress', 'Automattic', 'web_cms', 'retired', { notes: 'The old blog; redirects to Webflow.' }],
  ['OneTrust', 'OneTrust', 'consent', 'active', { renewalDate: '2027-01-31', annualCost: 22000 }],
  ['Cvent', 'Cvent', 'events', 'active', { renewalDate: '2027-10-01', annualCost: 40000 }],
  ['Zoom Webinars', 'Zoom', 'events', 'active', { annualCost: 8000, seatsPaid: 5, seatsUsed: 5 }],
]

const SUPPORT: [system: string, capability: string, level: SupportLevel, note?: string][] = [
  ['Salesforce', 'Lead routing', 'partial', 'Assignment rules only; no round-robin by territory'],
  ['Salesforce', 'Dashboards and reporting', 'partial'],
  ['Marketo Engage', 'Lead scoring', 'native'],
  ['Marketo Engage', 'Email nurture', 'native'],
  ['Marketo Engage', 'Landing pages and forms', 'native'],
  ['Marketo Engage', 'CRM sync', 'native'],
  ['Marketo Engage', 'Webinars', 'partial'],
  ['HubSpot Marketing Hub', 'Lead scoring', 'native'],
  ['HubSpot Marketing Hub', 'Email nurture', 'native'],
  ['HubSpot Marketing Hub', 'Landing pages and forms', 'native'],
  ['HubSpot Marketing Hub', 'CRM sync', 'native'],
  ['HubSpot Marketing Hub', 'Multi-touch attribution', 'partial', 'First and last touch only on this tier'],
  ['HubSpot Marketing Hub', 'Web personalisation', 'partial'],
  ['Marketo Measure', 'Multi-touch attribution', 'native'],
  ['6sense', 'Intent data', 'native'],
  ['6sense', 'Account-based advertising', 'native'],
  ['6sense', 'Web personalisation', 'addon', 'Needs the Personalisation add-on'],
  ['Bombora', 'Intent data', 'native'],
  ['ZoomInfo', 'Enrichment', 'native'],
  ['ZoomInfo', 'Intent data', 'partial'],
  ['Clearbit', 'Enrichment', 'native'],
  ['Clearbit', 'Web personalisation', 'partial'],
  ['LeanData', 'Lead routing', 'native'],
  ['LeanData', 'Lead-to-account matching', 'native'],
  ['Segment', 'Warehouse sync', 'native'],
  ['Segment', 'Reverse ETL', 'addon'],
  ['Hightouch', 'Reverse ETL', 'native'],
  ['Looker', 'Dashboards and reporting', 'native'],
  ['Tableau', 'Dashboards and reporting', 'native'],
  ['LinkedIn Ads', 'Account-based advertising', 'partial'],
  ['Outreach', 'Sales engagement', 'native'],
  ['Gong', 'Conversation intelligence', 'native'],
  ['Drift', 'Chat and conversational marketing', 'native'],
  ['Webflow', 'Landing pages and forms', 'native'],
  ['OneTrust', 'Consent management', 'native'],
  ['Cvent', 'Event management', 'native'],
  ['Zoom Webinars', 'Webinars', 'native'],
]

type I = [
  from: string,
  to: string,
  objects: DataObject[],
  direction: Direction,
  frequency: Frequency,
  status: IntegrationStatus,
  name: string,
  liveFrom?: string,
]

const INTEGRATIONS: I[] = [
  [
    'Salesforce',
    'Marketo Engage',
    ['leads', 'contacts', 'accounts', 'opportunities', 'activities'],
    'two_way',
    'real_time',
    'active',
    'Native connector',
  ],
  [
    'Salesforce',
    'HubSpot Marketing Hub',
    ['leads', 'contacts', 'accounts'],
    'two_way',
    'real_time',
    'planned',
    'Native connector',
    '2027-02-15',
  ],
  ['Salesforce', 'Snowflake', ['accounts', 'opportunities'], 'one_way', 'daily', 'broken', 'Fivetran'],
  ['Marketo Engage', 'Snowflake', ['leads', 'contacts', 'activities'], 'one_way', 'daily', 'active', 'Fivetran'],
  ['Snowflake', 'Looker', ['leads', 'contacts', 'accounts', 'opportunities', 'activities'], 'one_way', 'hourly', 'active', 'Native'],
  ['dbt Cloud', 'Snowflake', ['custom'], 'one_way', 'hourly', 'active', 'dbt models'],
  ['6sense', 'Salesforce', ['accounts', 'custom'], 'one_way', 'daily', 'active', 'Native connector'],
  ['6sense', 'LinkedIn Ads', ['accounts'], 'one_way', 'daily', 'active', 'Audience sync'],
  ['Bombora', '6sense', ['accounts'], 'one_way', 'daily', 'active', 'Partner feed'],
  ['ZoomInfo', 'Salesforce', ['contacts', 'accounts'], 'one_way', 'daily', 'active', 'Native connector'],
  ['Clearbit', 'Marketo Engage', ['leads'], 'one_way', 'real_time', 'active', 'Form enrichment'],
  ['LeanData', 'Salesforce', ['leads', 'accounts'], 'two_way', 'real_time', 'active', 'Managed package'],
  ['Segment', 'Snowflake', ['activities', 'custom'], 'one_way', 'hourly', 'active', 'Warehouse destination'],
  ['Webflow', 'Segment', ['activities'], 'one_way', 'real_time', 'active', 'Analytics.js'],
  ['Webflow', 'Marketo Engage', ['leads'], 'one_way', 'real_time', 'active', 'Embedded forms'],
  ['Drift', 'Salesforce', ['leads'], 'one_way', 'real_time', 'disconnected', 'Native connector'],
  ['Cvent', 'Marketo Engage', ['leads', 'activities'], 'one_way', 'daily', 'active', 'Native connector'],
  ['Zoom Webinars', 'Marketo Engage', ['leads', 'activities'], 'one_way', 'daily', 'active', 'LaunchPoint'],
  ['Outreach', 'Salesforce', ['contacts', 'activities'], 'two_way', 'real_time', 'active', 'Native connector'],
  ['Gong', 'Salesforce', ['activities'], 'one_way', 'hourly', 'active', 'Native connector'],
  ['Marketo Measure', 'Salesforce', ['opportunities', 'custom'], 'one_way', 'daily', 'active', 'Touchpoint objects'],
  ['OneTrust', 'Marketo Engage', ['contacts', 'custom'], 'one_way', 'real_time', 'active', 'Consent sync'],
  ['Snowflake', 'Hightouch', ['accounts', 'custom'], 'one_way', 'hourly', 'planned', 'Warehouse source', '2027-04-01'],
  ['Hightouch', 'Salesforce', ['accounts', 'custom'], 'one_way', 'hourly', 'planned', 'Reverse ETL', '2027-04-01'],
  ['Google Ads', 'Snowflake', ['activities'], 'one_way', 'daily', 'active', 'Fivetran'],
  ['LinkedIn Ads', 'Marketo Engage', ['leads'], 'one_way', 'daily', 'active', 'Lead Gen Forms'],
]

const FIGURES: [system: string, object: DataObject, measure: Measure, field: string, value: number, asOf: string][] = [
  ['Salesforce', 'contacts', 'record_count', '', 412_000, '2026-11-01'],
  ['Salesforce', 'contacts', 'duplicate_rate', '', 7, '2026-11-01'],
  ['Salesforce', 'contacts', 'fill_rate', 'email', 93, '2026-11-01'],
  ['Salesforce', 'contacts', 'fill_rate', 'phone', 61, '2026-11-01'],
  ['Salesforce', 'accounts', 'record_count', '', 38_500, '2026-11-01'],
  ['Salesforce', 'accounts', 'duplicate_rate', '', 3.2, '2026-11-01'],
  ['Salesforce', 'accounts', 'fill_rate', 'industry', 88, '2026-11-01'],
  ['Marketo Engage', 'leads', 'record_count', '', 640_000, '2026-10-15'],
  ['Marketo Engage', 'leads', 'duplicate_rate', '', 4.5, '2026-10-15'],
  ['Marketo Engage', 'leads', 'fill_rate', 'email', 99, '2026-10-15'],
  ['Marketo Engage', 'leads', 'fill_rate', 'job title', 68, '2026-10-15'],
  ['6sense', 'accounts', 'fill_rate', 'industry', 92, '2026-10-01'],
  ['Snowflake', 'opportunities', 'record_count', '', 12_400, '2026-11-01'],
]

type Req = Omit<requirements.NewRequirement, 'capabilityId' | 'systemId' | 'toSystemId'>
const base: Req = {
  kind: 'capability',
  capabilityName: null,
  systemName: null,
  toSystemName: null,
  objects: [],
  object: null,
  measure: null,
  field: null,
  op: null,
  threshold: null,
  neededBy: null,
  note: '',
}
const capability = (name: string, neededBy: string, system: string | null = null, note = ''): Req => ({
  ...base,
  kind: 'capability',
  capabilityName: name,
  systemName: system,
  neededBy,
  note,
})
const flow = (from: string, to: string, objects: DataObject[], neededBy: string, note = ''): Req => ({
  ...base,
  kind: 'flow',
  systemName: from,
  toSystemName: to,
  objects,
  neededBy,
  note,
})
const bar = (
  system: string,
  object: DataObject,
  measure: Measure,
  field: string | null,
  op: 'at_most' | 'at_least',
  threshold: number,
  neededBy: string,
): Req => ({
  ...base,
  kind: 'data_quality',
  systemName: system,
  object,
  measure,
  field,
  op,
  threshold,
  neededBy,
})

const NARRATIVE_REQUIREMENTS: Record<string, Req[]> = {
  'FY27 account-based pipeline strategy': [
    capability('Account-based advertising', '2027-01-31', null, 'First 200 target accounts'),
    capability('Intent data', '2027-01-31', '6sense'),
    flow('6sense', 'Salesforce', ['accounts'], '2027-01-31', 'Intent scores on the account record'),
    capability('Lead-to-account matching', '2027-03-31'),
    capability('Lead routing', '2027-03-31', null, 'SDR follow-up within 24 hours'),
    capability('Lead scoring', '2027-06-30', 'Marketo Engage'),
    capability('Multi-touch attribution', '2027-06-30', null, 'Finance signs off the rules'),
    flow('Salesforce', 'Snowflake', ['opportunities'], '2027-03-31', 'Pipeline by account in the monthly review'),
    bar('Salesforce', 'contacts', 'duplicate_rate', null, 'at_most', 2, '2027-03-31'),
    bar('Salesforce', 'contacts', 'fill_rate', 'email', 'at_least', 90, '2027-03-31'),
  ],
  'FY27 Q1 marketing business review': [
    capability('Dashboards and reporting', '2027-01-15', 'Looker'),
    flow('Marketo Engage', 'Looker', ['leads'], '2027-01-15', 'Funnel by source'),
    capability('Predictive churn scoring', '2027-03-31', null, 'Ask from customer success'),
  ],
}

/** Writes the demo stack with the same query functions the services use, then evaluates every requirement. */
export async function seedStack(tx: TransactionSql, workspaceId: string, people: Record<string, string>) {
  const ids = new Map<string, string>()
  for (const [name, vendor, category, lifecycle, extra = {}] of SYSTEMS) {
    const { owner, ...rest } = extra
    const row = await inv.insertSystem(tx, workspaceId, {
      name,
      vendor,
      category,
      lifecycle,
      ownerId: owner ? (people[owner] ?? null) : null,
      endDate: null,
      renewalDate: null,
      annualCost: null,
      seatsPaid: null,
      seatsUsed: null,
      notes: '',
      ...rest,
    })
    ids.set(name, row.id)
  }
  const caps = new Map((await inv.listCapabilities(tx, workspaceId)).map((c) => [c.name, c.id]))
  for (const [system, capabilityName, level, note = ''] of SUPPORT) {
    await inv.upsertSupport(tx, workspaceId, { systemId: ids.get(system)!, capabilityId: caps.get(capabilityName)!, level, note })
  }
  for (const [from, to, objects, direction, frequency, status, name, liveFrom] of INTEGRATIONS) {
    await inv.insertIntegration(tx, workspaceId, {
      fromSystemId: ids.get(from)!,
      toSystemId: ids.get(to)!,
      objects,
      direction,
      frequency,
      status,
      name,
      liveFrom: liveFrom ?? null,
      notes: status === 'broken' ? 'Fails since the opportunity schema change in October; ticket OPS-412.' : '',
    })
  }
  const mops = people['mops@acme.test'] ?? null
  for (const [system, object, measure, field, value, asOf] of FIGURES) {
    await inv.upsertFigure(tx, workspaceId, { systemId: ids.get(system)!, object, measure, field, value, asOf, recordedBy: mops! })
  }
  const narratives = await tx<{ id: string; title: string }[]>`select id, title from narratives where workspace_id = ${workspaceId}`
  for (const n of narratives) {
    for (const r of NARRATIVE_REQUIREMENTS[n.title] ?? []) {
      await requirements.insertRequirement(
        tx,
        { workspaceId, narrativeId: n.id, createdBy: mops! },
        {
          ...r,
          capabilityId: r.capabilityName ? (caps.get(r.capabilityName) ?? null) : null,
          systemId: r.systemName ? (ids.get(r.systemName) ?? null) : null,
          toSystemId: r.toSystemName ? (ids.get(r.toSystemName) ?? null) : null,
        },
      )
    }
  }
  await reevaluateWorkspace(tx, workspaceId)
}

/** The demo extender: the stack, in one transaction. */
export const seedDemoStack: DemoExtender = async (sql: Sql, { workspaceId, people }) => {
  await sql.begin((tx) => seedStack(tx, workspaceId, people))
}
