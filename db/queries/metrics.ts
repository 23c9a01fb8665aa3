import type { Db } from '../client.ts'
import type { Aggregation, Direction, IndicatorKind, Unit, ValueKind } from '#app/domain/metrics.ts'
import type { Granularity } from '#app/domain/periods.ts'
import type { MemberFunction } from '#app/domain/policies.ts'

export interface MetricSettingsRow {
  fiscalYearStartMonth: number
  onTrackThreshold: number
  atRiskThreshold: number
  currency: string
}

export const DEFAULT_SETTINGS: MetricSettingsRow = {
  fiscalYearStartMonth: 1,
  onTrackThreshold: 0.95,
  atRiskThreshold: 0.85,
  currency: 'USD',
}

/** The workspace's fiscal calendar and health thresholds (defaults until someone sets them). */
export async function getMetricSettings(db: Db, workspaceId: string): Promise<MetricSettingsRow> {
  const [row] = await db<[MetricSettingsRow?]>`
    select fiscal_year_start_month as "fiscalYearStartMonth", on_track_threshold as "onTrackThreshold",
      at_risk_threshold as "atRiskThreshold", currency
    from metric_settings where workspace_id = ${workspaceId}`
  return row ?? DEFAULT_SETTINGS
}

/** Writes the settings; locks the row so a concurrent change waits for this transaction. */
export async function upsertMetricSettings(db: Db, workspaceId: string, s: MetricSettingsRow) {
  await db`
    insert into metric_settings (workspace_id, fiscal_year_start_month, on_track_threshold, at_risk_threshold, currency)
    values (${workspaceId}, ${s.fiscalYearStartMonth}, ${s.onTrackThreshold}, ${s.atRiskThreshold}, ${s.currency})
    on conflict (workspace_id) do update set fiscal_year_start_month = excluded.fiscal_year_start_month,
      on_track_threshold = excluded.on_track_threshold, at_risk_threshold = excluded.at_risk_threshold,
      currency = excluded.currency, updated_at = now()`
}

export interface MetricRow {
  id: string
  workspaceId: string
  key: string
  name: string
  definition: string
  unit: Unit
  currency: string | null
  direction: Direction
  indicator: IndicatorKind
  aggregation: Aggregation
  ownerFunction: MemberFunction | null
  sourceSystem: string | null
  goalMetricId: string | null
  goalKey: string | null
  northStar: boolean
  funnelStep: number | null
  version: number
  createdAt: Date
  updatedAt: Date
}

const metricColumns = (db: Db) => db`
  m.id, m.workspace_id as "workspaceId", m.key, m.name, m.definition, m.unit, m.currency, m.direction,
  m.indicator, m.aggregation, m.owner_function as "ownerFunction", m.source_system as "sourceSystem",
  m.goal_metric_id as "goalMetricId", g.key as "goalKey", m.north_star as "northStar",
  m.funnel_step as "funnelStep", m.version, m.created_at as "createdAt", m.updated_at as "updatedAt"`

/** Every metric of the workspace: north stars first, then funnel order, then by name. */
export async function listMetrics(db: Db, workspaceId: string) {
  return db<MetricRow[]>`
    select ${metricColumns(db)}
    from metrics m left join metrics g on g.id = m.goal_metric_id
    where m.workspace_id = ${workspaceId}
    order by m.north_star desc, m.funnel_step nulls last, lower(m.name)`
}

/** A metric of the workspace by key, or null (missing and foreign look the same). */
export async function getMetricByKey(db: Db, args: { workspaceId: string; key: string }) {
  const [row] = await db<[MetricRow?]>`
    select ${metricColumns(db)}
    from metrics m left join metrics g on g.id = m.goal_metric_id
    where m.workspace_id = ${args.workspaceId} and m.key = ${args.key}`
  return row ?? null
}

/** The metric locked for update (a definition change and its version are one step). */
export async function lockMetricByKey(db: Db, args: { workspaceId: string; key: string }) {
  const [row] = await db<[{ id: string }?]>`
    select id from metrics where workspace_id = ${args.workspaceId} and key = ${args.key} for update`
  return row ? getMetricByKey(db, args) : null
}

export interface MetricFields {
  name: string
  definition: string
  unit: Unit
  currency: string | null
  direction: Direction
  indicator: IndicatorKind
  aggregation: Aggregation
  ownerFunction: MemberFunction | null
  sourceSystem: string | null
  goalMetricId: string | null
  northStar: boolean
  funnelStep: number | null
}

export async function insertMetric(db: Db, args: { workspaceId: string; key: string } & MetricFields) {
  const [row] = await db<[{ id: string }]>`
    insert into metrics (workspace_id, key, name, definition, unit, currency, direction, indicator, aggregation,
      owner_function, source_system, goal_metric_id, north_star, funnel_step)
    values (${args.workspaceId}, ${args.key}, ${args.name}, ${args.definition}, ${args.unit}, ${args.currency},
      ${args.direction}, ${args.indicator}, ${args.aggregation}, ${args.ownerFunction}, ${args.sourceSystem},
      ${args.goalMetricId}, ${args.northStar}, ${args.funnelStep})
    returning id`
  return row
}

/** Writes every field; `bumpVersion` starts a new definition version. Returns the version now current. */
export async function updateMetric(db: Db, args: { id: string; workspaceId: string; bumpVersion: boolean } & MetricFields) {
  const [row] = await db<[{ version: number }]>`
    update metrics set name = ${args.name}, definition = ${args.definition}, unit = ${args.unit},
      currency = ${args.currency}, direction = ${args.direction}, indicator = ${args.indicator},
      aggregation = ${args.aggregation}, owner_function = ${args.ownerFunction},
      source_system = ${args.sourceSystem}, goal_metric_id = ${args.goalMetricId},
      north_star = ${args.northStar}, funnel_step = ${args.funnelStep},
      version = version + ${args.bumpVersion ? 1 : 0}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId}
    returning version`
  return row.version
}

/** Records the definition as it is now (version, who, when). */
export async function insertMetricVersion(db: Db, args: { metricId: string; userId: string }) {
  await db`
    insert into metric_versions (metric_id, version, name, definition, unit, currency, direction, indicator, aggregation, changed_by)
    select id, version, name, definition, unit, currency, direction, indicator, aggregation, ${args.userId}
    from metrics where id = ${args.metricId}`
}

export interface MetricVersionRow {
  version: number
  name: string
  definition: string
  unit: Unit
  currency: string | null
  direction: Direction
  indicator: IndicatorKind
  aggregation: Aggregation
  changedByName: string | null
  changedAt: Date
}

export async function listMetricVersions(db: Db, metricId: string) {
  return db<MetricVersionRow[]>`
    select v.version, v.name, v.definition, v.unit, v.currency, v.direction, v.indicator, v.aggregation,
      u.name as "changedByName", v.changed_at as "changedAt"
    from metric_versions v left join users u on u.id = v.changed_by
    where v.metric_id = ${metricId}
    order by v.version desc`
}

// ---------- Values ----------

export interface ValueWrite {
  metricId: string
  period: string
  granularity: Granularity
  /** "YYYY-MM-DD", inclusive. */
  startsOn: string
  /** "YYYY-MM-DD", exclusive. */
  endsOn: string
  value: number
}

/**
 * Upserts a batch of values in one statement: a (metric, kind, period) written again replaces its
 * value, the replaced value goes to the history, and writing the same value again changes nothing.
 */
export async function upsertValues(
  db: Db,
  args: {
    workspaceId: string
    kind: ValueKind
    source: 'form' | 'csv' | 'api' | 'seed'
    userId: string | null
    rows: readonly ValueWrite[]
  },
) {
  if (args.rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 }
  const r = args.rows
  const [counts] = await db<[{ inserted: number; updated: number }]>`
    with input as (
      select * from unnest(
        ${r.map((x) => x.metricId)}::uuid[], ${r.map((x) => x.period)}::text[], ${r.map((x) => x.granularity)}::text[],
        ${r.map((x) => x.startsOn)}::date[], ${r.map((x) => x.endsOn)}::date[], ${r.map((x) => x.value)}::float8[]
      ) as t(metric_id, period, granularity, starts_on, ends_on, value)
    ),
    old as (
      select v.metric_id, v.period, v.value from metric_values v
      join input i on i.metric_id = v.metric_id and i.period = v.period and v.kind = ${args.kind}
    ),
    written as (
      insert into metric_values (metric_id, workspace_id, kind, period, granularity, starts_on, ends_on, value, source, updated_by)
      select i.metric_id, ${args.workspaceId}, ${args.kind}, i.period, i.granularity, i.starts_on, i.ends_on, i.value, ${args.source}, ${args.userId}
      from input i
      on conflict (metric_id, kind, period) do update set value = excluded.value, source = excluded.source,
        updated_by = excluded.updated_by, updated_at = now(), starts_on = excluded.starts_on, ends_on = excluded.ends_on
      where metric_values.value is distinct from excluded.value
      returning metric_id, period, value, (xmax = 0) as inserted
    ),
    history as (
      insert into metric_value_history (metric_id, kind, period, old_value, new_value, source, changed_by)
      select w.metric_id, ${args.kind}, w.period, o.value, w.value, ${args.source}, ${args.userId}
      from written w left join old o on o.metric_id = w.metric_id and o.period = w.period
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`
  return { inserted: counts.inserted, updated: counts.updated, unchanged: r.length - counts.inserted - counts.updated }
}

export interface ValueRow {
  metricId: string
  kind: ValueKind
  period: string
  granularity: Granularity
  value: number
}

/** Values of the workspace (optionally of some metrics, of one kind, or ending after a date). */
export async function listValues(db: Db, args: { workspaceId: string; metricIds?: string[]; kind?: ValueKind; endsAfter?: string }) {
  return db<ValueRow[]>`
    select metric_id as "metricId", kind, period, granularity, value
    from metric_values
    where workspace_id = ${args.workspaceId}
      ${args.metricIds ? db`and metric_id = any(${args.metricIds}::uuid[])` : db``}
      ${args.kind ? db`and kind = ${args.kind}` : db``}
      ${args.endsAfter ? db`and ends_on > ${args.endsAfter}::date` : db``}
    order by starts_on`
}

export interface ValueColumnsRow {
  metricId: string
  kind: ValueKind
  periods: string[]
  granularities: Granularity[]
  /** Day numbers (since 1970-01-01) of each period's anchor: a week's Thursday, else its first day. */
  anchors: number[]
  values: number[]
}

/**
 * Values per metric and kind as columns in time order (one row per metric and kind, not per
 * value: a dashboard reads tens of thousands of values, and rows cost more to decode than arrays).
 */
export async function listValueColumns(db: Db, args: { workspaceId: string; metricIds?: string[]; kind?: ValueKind; endsAfter?: string }) {
  return db<ValueColumnsRow[]>`
    select metric_id as "metricId", kind,
      array_agg(period order by starts_on) as periods,
      array_agg(granularity order by starts_on) as granularities,
      array_agg((starts_on - date '1970-01-01') + case when granularity = 'week' then 3 else 0 end order by starts_on) as anchors,
      array_agg(value order by starts_on) as values
    from metric_values
    where workspace_id = ${args.workspaceId}
      ${args.metricIds ? db`and metric_id = any(${args.metricIds}::uuid[])` : db``}
      ${args.kind ? db`and kind = ${args.kind}` : db``}
      ${args.endsAfter ? db`and ends_on > ${args.endsAfter}::date` : db``}
    group by metric_id, kind`
}

/** The current values at some (metric, period) pairs of one kind, for previews ("replaces 4.1M"). */
export async function getValuesAt(
  db: Db,
  args: { workspaceId: string; kind: ValueKind; pairs: readonly { metricId: string; period: string }[] },
) {
  if (args.pairs.length === 0) return []
  return db<{ metricId: string; period: string; value: number }[]>`
    select v.metric_id as "metricId", v.period, v.value
    from metric_values v
    join unnest(${args.pairs.map((p) => p.metricId)}::uuid[], ${args.pairs.map((p) => p.period)}::text[]) as t(metric_id, period)
      on t.metric_id = v.metric_id and t.period = v.period
    where v.workspace_id = ${args.workspaceId} and v.kind = ${args.kind}`
}

export interface HistoryRow {
  kind: ValueKind
  period: string
  oldValue: number | null
  newValue: number
  source: string
  changedByName: string | null
  changedAt: Date
}

export async function listValueHistory(db: Db, args: { metricId: string; limit: number }) {
  return db<HistoryRow[]>`
    select h.kind, h.period, h.old_value as "oldValue", h.new_value as "newValue", h.source,
      u.name as "changedByName", h.changed_at as "changedAt"
    from metric_value_history h left join users u on u.id = h.changed_by
    where h.metric_id = ${args.metricId}
    order by h.id desc
    limit ${args.limit}`
}

/** Quarter and year values, whose days depend on the fiscal calendar (re-dated when it changes). */
export async function listFiscalValues(db: Db, workspaceId: string) {
  return db<{ metricId: string; kind: ValueKind; period: string; granularity: Granularity }[]>`
    select metric_id as "metricId", kind, period, granularity from metric_values
    where workspace_id = ${workspaceId} and granularity in ('quarter', 'year')`
}

export async function redateValues(
  db: Db,
  rows: readonly { metricId: string; kind: ValueKind; period: string; startsOn: string; endsOn: string }[],
) {
  if (rows.length === 0) return
  await db`
    update metric_values v set starts_on = t.starts_on, ends_on = t.ends_on
    from unnest(${rows.map((r) => r.metricId)}::uuid[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.period)}::text[],
      ${rows.map((r) => r.startsOn)}::date[], ${rows.map((r) => r.endsOn)}::date[]) as t(metric_id, kind, period, starts_on, ends_on)
    where v.metric_id = t.metric_id and v.kind = t.kind and v.period = t.period`
}

// ---------- Commitments ----------

export interface CommitmentRow {
  id: string
  narrativeId: string
  narrativeTitle: string
  narrativeStatus: string
  metricId: string
  metricKey: string
  metricVersion: number
  baseline: number
  target: number
  granularity: Granularity
  startsOn: string
  dueOn: string
  note: string
  createdByName: string | null
  createdAt: Date
  /** 'text': derived from a `$` chip of the narrative; 'manual': entered on the commitments page. */
  source: 'manual' | 'text'
  /** When a person last changed it (derived ones that were edited outlive their chip). */
  editedAt: Date | null
  /** False when a derived commitment's chip left the text but the commitment stayed (it was edited). */
  inText: boolean
}

const commitmentColumns = (db: Db) => db`
  c.id, c.narrative_id as "narrativeId", n.title as "narrativeTitle", n.status as "narrativeStatus",
  c.metric_id as "metricId", m.key as "metricKey", c.metric_version as "metricVersion", c.baseline, c.target,
  c.granularity, to_char(c.starts_on, 'YYYY-MM-DD') as "startsOn", to_char(c.due_on, 'YYYY-MM-DD') as "dueOn",
  c.note, u.name as "createdByName", c.created_at as "createdAt", c.source, c.edited_at as "editedAt", c.in_text as "inText"`

/** Commitments of the workspace: of one narrative, or due in a window, soonest first. */
export async function listCommitments(
  db: Db,
  args: { workspaceId: string; narrativeId?: string; dueFrom?: string; dueTo?: string; excludeArchived?: boolean },
) {
  return db<CommitmentRow[]>`
    select ${commitmentColumns(db)}
    from commitments c
    join narratives n on n.id = c.narrative_id
    join metrics m on m.id = c.metric_id
    left join users u on u.id = c.created_by
    where c.workspace_id = ${args.workspaceId}
      ${args.narrativeId ? db`and c.narrative_id = ${args.narrativeId}` : db``}
      ${args.dueFrom ? db`and c.due_on >= ${args.dueFrom}::date` : db``}
      ${args.dueTo ? db`and c.due_on < ${args.dueTo}::date` : db``}
      ${args.excludeArchived ? db`and n.status <> 'archived'` : db``}
    order by c.due_on, c.created_at`
}

export async function insertCommitment(
  db: Db,
  args: {
    workspaceId: string
    narrativeId: string
    metricId: string
    metricVersion: number
    baseline: number
    target: number
    granularity: Granularity
    startsOn: string
    dueOn: string
    note: string
    userId: string
  },
) {
  const [row] = await db<[{ id: string }]>`
    insert into commitments (workspace_id, narrative_id, metric_id, metric_version, baseline, target, granularity, starts_on, due_on, note, created_by)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.metricId}, ${args.metricVersion}, ${args.baseline}, ${args.target},
      ${args.granularity}, ${args.startsOn}::date, ${args.dueOn}::date, ${args.note}, ${args.userId})
    returning id`
  return row
}

export async function deleteCommitment(db: Db, args: { id: string; narrativeId: string; workspaceId: string }) {
  const rows =
    await db`delete from commitments where id = ${args.id} and narrative_id = ${args.narrativeId} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

/** A narrative's commitments, briefly, for the derivation from its chips (inside its transaction). */
export async function listCommitmentStubs(db: Db, args: { workspaceId: string; narrativeId: string }) {
  return db<{ id: string; metricId: string; source: 'manual' | 'text'; edited: boolean; inText: boolean }[]>`
    select id, metric_id as "metricId", source, edited_at is not null as edited, in_text as "inText"
    from commitments where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId}`
}

/** A commitment derived from a chip; at most one per (narrative, metric): returns null when it exists. */
export async function insertTextCommitment(
  db: Db,
  args: {
    workspaceId: string
    narrativeId: string
    metricId: string
    metricVersion: number
    baseline: number
    target: number
    granularity: Granularity
    startsOn: string
    dueOn: string
  },
) {
  const [row] = await db<{ id: string }[]>`
    insert into commitments (workspace_id, narrative_id, metric_id, metric_version, baseline, target, granularity, starts_on, due_on, source)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.metricId}, ${args.metricVersion}, ${args.baseline}, ${args.target},
      ${args.granularity}, ${args.startsOn}::date, ${args.dueOn}::date, 'text')
    on conflict (narrative_id, metric_id) where source = 'text' do nothing
    returning id`
  return row ?? null
}

export async function deleteCommitmentsByIds(db: Db, args: { workspaceId: string; narrativeId: string; ids: readonly string[] }) {
  if (args.ids.length === 0) return 0
  const rows = await db`
    delete from commitments where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId}
      and id = any(${args.ids as string[]}::uuid[]) returning id`
  return rows.length
}

export async function setCommitmentsInText(
  db: Db,
  args: { workspaceId: string; narrativeId: string; ids: readonly string[]; inText: boolean },
) {
  if (args.ids.length === 0) return 0
  const rows = await db`
    update commitments set in_text = ${args.inText}
    where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId} and id = any(${args.ids as string[]}::uuid[])
    returning id`
  return rows.length
}

/** A person changes a commitment's terms; a derived one remembers it was edited (and then outlives its chip). */
export async function updateCommitment(
  db: Db,
  args: {
    id: string
    workspaceId: string
    narrativeId: string
    baseline: number
    target: number
    granularity: Granularity
    dueOn: string
    note: string
    userId: string
  },
) {
  const rows = await db<{ id: string }[]>`
    update commitments set baseline = ${args.baseline}, target = ${args.target}, granularity = ${args.granularity},
      due_on = ${args.dueOn}::date, note = ${args.note}, edited_at = now(), edited_by = ${args.userId}
    where id = ${args.id} and narrative_id = ${args.narrativeId} and workspace_id = ${args.workspaceId}
    returning id`
  return rows.length > 0
}

export async function getCommitment(db: Db, args: { id: string; workspaceId: string; narrativeId: string }) {
  const [row] = await db<{ id: string; metricId: string; startsOn: string }[]>`
    select id, metric_id as "metricId", to_char(starts_on, 'YYYY-MM-DD') as "startsOn" from commitments
    where id = ${args.id} and narrative_id = ${args.narrativeId} and workspace_id = ${args.workspaceId}`
  return row ?? null
}

// ---------- Review notes ----------

export interface ReviewNoteRow {
  metricId: string | null
  body: string
  updatedByName: string | null
  updatedAt: Date
}

export async function listReviewNotes(db: Db, args: { workspaceId: string; cadence: string; period: string }) {
  return db<ReviewNoteRow[]>`
    select r.metric_id as "metricId", r.body, u.name as "updatedByName", r.updated_at as "updatedAt"
    from review_notes r left join users u on u.id = r.updated_by
    where r.workspace_id = ${args.workspaceId} and r.cadence = ${args.cadence} and r.period = ${args.period}
    order by r.updated_at`
}

/** Writes the note of a review (metricId null) or of one of its metric lines; an empty body deletes it. */
export async function saveReviewNote(
  db: Db,
  args: { workspaceId: string; cadence: string; period: string; metricId: string | null; body: string; userId: string },
) {
  const scope = db`workspace_id = ${args.workspaceId} and cadence = ${args.cadence} and period = ${args.period}
    and ${args.metricId === null ? db`metric_id is null` : db`metric_id = ${args.metricId}`}`
  if (args.body === '') {
    await db`delete from review_notes where ${scope}`
    return
  }
  // One statement per kind of note, so two people saving at once end with one row (the last write).
  const conflict =
    args.metricId === null
      ? db`on conflict (workspace_id, cadence, period) where metric_id is null`
      : db`on conflict (workspace_id, cadence, period, metric_id) where metric_id is not null`
  await db`
    insert into review_notes (workspace_id, cadence, period, metric_id, body, updated_by)
    values (${args.workspaceId}, ${args.cadence}, ${args.period}, ${args.metricId}, ${args.body}, ${args.userId})
    ${conflict} do update set body = excluded.body, updated_by = excluded.updated_by, updated_at = now()`
}
