/**
 * The metric dictionary: definitions, keys, goals and definition versions.
 */
import { assertIfMatch, type IfMatch } from '../preconditions.server.ts'
import { getSql, type Db } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { conflict, invalid, notFound } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import type { MetricInput, MetricUpdate } from '#app/schemas/metrics.ts'
import { bus } from '#app/events/bus.ts'
import { assertCanEditMetrics, assertCanReadMetrics } from './context.server.ts'

export async function listMetricsFor(actor: Actor) {
  assertCanReadMetrics(actor)
  return q.listMetrics(getSql(), actor.workspaceId)
}

/** Whether `key` could be a metric key at all (the metrics_key check, any case). */
export function isMetricKeyShape(key: string) {
  return /^[a-z][a-z0-9_]{1,62}$/i.test(key)
}

/** A metric by key; missing and foreign are the same 404. */
export async function getMetricFor(actor: Actor, key: string, db: Db = getSql()) {
  assertCanReadMetrics(actor)
  // A key that cannot exist (URL junk, NUL) is a 404 without asking the database.
  if (!isMetricKeyShape(key)) throw notFound('Metric')
  const m = await q.getMetricByKey(db, { workspaceId: actor.workspaceId, key: key.toLowerCase() })
  if (!m) throw notFound('Metric')
  return m
}

/** A metric with its definition versions, the goal it feeds and the metrics that feed it. */
export async function getMetricDetailFor(actor: Actor, key: string) {
  const metric = await getMetricFor(actor, key)
  const sql = getSql()
  const [versions, all, history] = await Promise.all([
    q.listMetricVersions(sql, metric.id),
    q.listMetrics(sql, actor.workspaceId),
    q.listValueHistory(sql, { metricId: metric.id, limit: 20 }),
  ])
  return {
    metric,
    versions,
    goal: all.find((m) => m.id === metric.goalMetricId) ?? null,
    feeders: all.filter((m) => m.goalMetricId === metric.id),
    history,
  }
}

async function resolveGoal(db: Db, workspaceId: string, goalKey: string | null, selfKey?: string) {
  if (!goalKey) return null
  if (goalKey === selfKey) throw invalid('Some fields need attention', { goalKey: ['A metric cannot feed itself'] })
  const goal = await q.getMetricByKey(db, { workspaceId, key: goalKey })
  if (!goal) throw invalid('Some fields need attention', { goalKey: [`No metric with the key "${goalKey}"`] })
  return goal.id
}

function rethrowUnique(e: unknown): never {
  const pg = e as { code?: string; constraint_name?: string }
  if (pg.code === '23505' && pg.constraint_name === 'metrics_key_idx') {
    throw conflict('A metric with this key already exists', { key: ['A metric with this key already exists'] })
  }
  throw e
}

export async function createMetric(actor: Actor, input: MetricInput) {
  assertCanEditMetrics(actor)
  await getSql()
    .begin(async (tx) => {
      const goalMetricId = await resolveGoal(tx, actor.workspaceId, input.goalKey)
      const row = await q.insertMetric(tx, { workspaceId: actor.workspaceId, ...input, goalMetricId })
      await q.insertMetricVersion(tx, { metricId: row.id, userId: actor.userId })
      return row.id
    })
    .catch(rethrowUnique)
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [input.key] })
  return getMetricFor(actor, input.key)
}

const DEFINITION_FIELDS = ['name', 'definition', 'unit', 'currency', 'direction', 'indicator', 'aggregation'] as const

/** Updates a metric; a change to how it is defined or counted starts a new definition version. */
export async function updateMetric(actor: Actor, key: string, patch: MetricUpdate, ifMatch?: IfMatch) {
  assertCanEditMetrics(actor)
  if (!isMetricKeyShape(key)) throw notFound('Metric')
  await getSql().begin(async (tx) => {
    await assertIfMatch(tx, { table: 'metrics', key: key.toLowerCase(), workspaceId: actor.workspaceId }, ifMatch, 'Metric')
    const current = await q.lockMetricByKey(tx, { workspaceId: actor.workspaceId, key: key.toLowerCase() })
    if (!current) throw notFound('Metric')
    const unit = patch.unit ?? current.unit
    const currency = unit === 'currency' ? (patch.currency ?? current.currency) : null
    if (unit === 'currency' && !currency)
      throw invalid('Some fields need attention', { currency: ['A currency metric needs a currency code'] })
    const goalMetricId =
      patch.goalKey === undefined ? current.goalMetricId : await resolveGoal(tx, actor.workspaceId, patch.goalKey, current.key)
    const next: q.MetricFields = {
      name: patch.name ?? current.name,
      definition: patch.definition ?? current.definition,
      unit,
      currency,
      direction: patch.direction ?? current.direction,
      indicator: patch.indicator ?? current.indicator,
      aggregation: patch.aggregation ?? current.aggregation,
      ownerFunction: patch.ownerFunction === undefined ? current.ownerFunction : patch.ownerFunction,
      sourceSystem: patch.sourceSystem === undefined ? current.sourceSystem : patch.sourceSystem,
      goalMetricId,
      northStar: patch.northStar ?? current.northStar,
      funnelStep: patch.funnelStep === undefined ? current.funnelStep : patch.funnelStep,
    }
    const bumpVersion = DEFINITION_FIELDS.some((f) => next[f] !== current[f])
    await q.updateMetric(tx, { id: current.id, workspaceId: actor.workspaceId, bumpVersion, ...next })
    if (bumpVersion) await q.insertMetricVersion(tx, { metricId: current.id, userId: actor.userId })
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [key] })
  return getMetricFor(actor, key)
}
