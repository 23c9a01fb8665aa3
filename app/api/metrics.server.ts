/**
 * The /api/v1 metrics operations' shared parts: the JSON each returns (presenters), the stored-values
 * handlers and the answer to a refused batch.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type * as q from '#db/queries/metrics.ts'
import type { SeriesPoint, ValueKind } from '#app/domain/metrics.ts'
import { ValueBatchSchema } from '#app/schemas/metrics.ts'
import type { CommitmentJson, MetricJson, SeriesPointJson } from '#app/schemas/responses.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import type { CommitmentView } from '#app/services/metrics/commitments.server.ts'
import { assertCanWriteValues, BatchError, listStoredValuesFor, putValues } from '#app/services/metrics/values.server.ts'

// ---------- Presenters ----------

/** The API's view of a metric. */
export function metricJson(m: q.MetricRow): MetricJson {
  return {
    key: m.key,
    name: m.name,
    definition: m.definition,
    unit: m.unit,
    currency: m.currency,
    direction: m.direction,
    indicator: m.indicator,
    aggregation: m.aggregation,
    ownerFunction: m.ownerFunction,
    sourceSystem: m.sourceSystem,
    goal: m.goalKey,
    northStar: m.northStar,
    funnelStep: m.funnelStep,
    version: m.version,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  }
}

/** The API's view of a commitment. */
export function commitmentJson(c: CommitmentView): CommitmentJson {
  return {
    id: c.id,
    metric: {
      key: c.metric.key,
      name: c.metric.name,
      unit: c.metric.unit,
      currency: c.metric.currency,
      indicator: c.metric.indicator,
      version: c.metricVersion,
    },
    baseline: c.baseline,
    target: c.target,
    granularity: c.granularity,
    startsOn: c.startsOn,
    dueOn: c.dueOn,
    note: c.note,
    source: c.source,
    inText: c.inText,
    edited: c.editedAt !== null,
    current: c.current,
    currentPeriod: c.currentPeriod,
    pace: c.pace,
    progress: c.progress,
    passed: c.passed,
    health: c.health,
  }
}

/** The API's view of a series point. */
export function seriesPointJson(p: SeriesPoint): SeriesPointJson {
  return {
    period: p.period,
    label: p.label,
    actual: p.actual,
    target: p.target,
    attainment: p.attainment,
    health: p.health,
    complete: p.complete,
  }
}

// ---------- Refused batches ----------

/** The problem+json body of a refused batch (RFC 9457 with an extension member `rows`). */
export function batchProblemBody(e: BatchError) {
  return { type: 'about:blank', title: 'Invalid input', status: 400, detail: e.message, errors: e.fieldErrors, rows: e.rows }
}

/** Runs an API handler, answering a refused batch with its rows (problem+json, 400). */
export async function withBatchErrors(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof BatchError) {
      return new Response(JSON.stringify(batchProblemBody(e)), { status: 400, headers: { 'Content-Type': 'application/problem+json' } })
    }
    throw e
  }
}

// ---------- Stored values ----------

/** GET /api/v1/metrics/KEY/{actuals|targets}[?limit=&cursor=] → { data: [{ period, granularity, value }], nextCursor } by granularity, then period. */
export function loadStoredValues({ request, params }: LoaderFunctionArgs, kind: ValueKind) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const values = await listStoredValuesFor(actor, params.key ?? '', kind)
    return pageJson(pageInMemory(request, values, { list: `metric-${kind}s`, key: (v) => [v.granularity, v.period] }))
  })
}

/**
 * PUT /api/v1/metrics/KEY/{actuals|targets} [{ period, value }] → { inserted, updated, unchanged }.
 * Idempotent per period; one bad row is a 400 listing every bad row, and none of the rows is saved.
 */
export function putStoredValues({ request, params }: ActionFunctionArgs, kind: ValueKind) {
  if (request.method !== 'PUT') return methodNotAllowed()
  return api(() =>
    withBatchErrors(async () => {
      const { actor } = await requireApiActor(request)
      await assertCanWriteValues(actor, params.key ?? '', kind)
      const rows = parseOrThrow(ValueBatchSchema, await readJson(request, 2 * 1024 * 1024))
      return json(await putValues(actor, params.key ?? '', kind, rows, 'api'))
    }),
  )
}
