/**
 * Metrics' workspace context (fiscal calendar, health thresholds, currency) and the rights every
 * metrics use case checks first.
 */
import { getSql, type Db } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { forbidden } from '#app/domain/errors.ts'
import type { HealthThresholds } from '#app/domain/metrics.ts'
import { formatDate, parsePeriod, periodRange, type FiscalCalendar, type Period } from '#app/domain/periods.ts'
import {
  canEditMetrics,
  canEditMetricSettings,
  canReadMetrics,
  canRecordActuals,
  canSeeWorkingMaterial,
  type Actor,
} from '#app/domain/policies.ts'
import type { MetricSettingsInput } from '#app/schemas/metrics.ts'
import { bus } from '#app/events/bus.ts'

export interface MetricContext {
  calendar: FiscalCalendar
  thresholds: HealthThresholds
  currency: string
}

/** The calendar, thresholds and currency of stored settings. */
export function contextOf(s: q.MetricSettingsRow): MetricContext {
  return {
    calendar: { startMonth: s.fiscalYearStartMonth },
    thresholds: { onTrack: s.onTrackThreshold, atRisk: s.atRiskThreshold },
    currency: s.currency,
  }
}

/** Throws 403 unless the actor may read metrics. */
export function assertCanReadMetrics(actor: Actor) {
  if (!canReadMetrics(actor)) throw forbidden()
}

/** Throws 403 unless the actor may write metrics: routes call it before reading a body, so a refusal never depends on the input. */
export function assertCanEditMetrics(actor: Actor) {
  if (!canEditMetrics(actor)) throw forbidden('Only owners and editors can change metrics, targets and actuals')
}

/** Throws 403 unless the actor may change the fiscal calendar and thresholds. */
export function assertCanEditMetricSettings(actor: Actor) {
  if (!canEditMetricSettings(actor)) throw forbidden('Only workspace owners can change the fiscal calendar and thresholds')
}

/** What the actor may do with metrics, for the UI (which never re-derives policy). */
export function metricAbilities(actor: Actor, metric?: { ownerFunction: q.MetricRow['ownerFunction'] }) {
  return {
    edit: canEditMetrics(actor),
    settings: canEditMetricSettings(actor),
    workingMaterial: canSeeWorkingMaterial(actor),
    /** Of `metric` when given: the grid's actual cells. */
    recordActuals: metric ? canRecordActuals(actor, metric) : canEditMetrics(actor),
  }
}

/** The workspace's fiscal calendar, thresholds and currency. */
export async function getMetricContext(actor: Actor, db: Db = getSql()): Promise<MetricContext> {
  assertCanReadMetrics(actor)
  return contextOf(await q.getMetricSettings(db, actor.workspaceId))
}

export async function getMetricSettingsFor(actor: Actor) {
  assertCanReadMetrics(actor)
  return q.getMetricSettings(getSql(), actor.workspaceId)
}

/** Changes the fiscal calendar and thresholds; quarter and year values are re-dated in the same transaction. */
export async function updateMetricSettings(actor: Actor, input: MetricSettingsInput) {
  if (!canEditMetricSettings(actor)) throw forbidden('Only workspace owners can change the fiscal calendar and thresholds')
  const settings: q.MetricSettingsRow = {
    fiscalYearStartMonth: input.fiscalYearStartMonth,
    onTrackThreshold: input.onTrackPercent / 100,
    atRiskThreshold: input.atRiskPercent / 100,
    currency: input.currency,
  }
  await getSql().begin(async (tx) => {
    await q.upsertMetricSettings(tx, actor.workspaceId, settings)
    const cal = { startMonth: settings.fiscalYearStartMonth }
    const rows = await q.listFiscalValues(tx, actor.workspaceId)
    await q.redateValues(
      tx,
      rows.map((r) => {
        const range = periodRange(parsedKey(r.period), cal)
        return { ...r, startsOn: formatDate(range.start), endsOn: formatDate(range.end) }
      }),
    )
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [] })
  return settings
}

function parsedKey(key: string): Period {
  const r = parsePeriod(key)
  if (!r.ok) throw new Error(`stored period ${key} does not parse`)
  return r.period
}
