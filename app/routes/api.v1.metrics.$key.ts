import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { type Actor, canEditMetrics } from '#app/domain/policies.ts'
import { MetricUpdateSchema } from '#app/schemas/metrics.ts'
import type { MetricDetailJson } from '#app/schemas/responses.ts'
import { metricJson } from '#app/api/metrics.server.ts'
import { getMetricDetailFor, isMetricKeyShape, updateMetric } from '#app/services/metrics/dictionary.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { conditionalUpdate, currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

// Metric keys are case-insensitive; a key of another shape simply matches no row.
const metricRef = (actor: Actor, key: string) => ({
  table: 'metrics' as const,
  key: key.toLowerCase().slice(0, 100),
  workspaceId: actor.workspaceId,
})

async function metricBody(actor: Actor, key: string) {
  const { metric, versions } = await getMetricDetailFor(actor, key)
  return {
    ...metricJson(metric),
    versions: versions.map((v) => ({ ...v, changedAt: v.changedAt.toISOString() })),
  } satisfies MetricDetailJson
}

/** GET /api/v1/metrics/KEY → metric with its definition versions, with its ETag. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const key = params.key ?? ''
    // A key that cannot be one is the service's 404 (and never reaches a query).
    const version = isMetricKeyShape(key) ? await currentVersion(metricRef(actor, key)) : null
    return jsonWithETag(request, version, await metricBody(actor, key))
  })
}

/**
 * PATCH /api/v1/metrics/KEY { name?, definition?, … } [If-Match: ETag] → metric with its new ETag (a definition change
 * starts a new version).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'PATCH') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditMetrics)
    const key = params.key ?? ''
    await requireRow(actor, 'metrics', metricRef(actor, key))
    const patch = parseOrThrow(MetricUpdateSchema, await readJson(request, 64 * 1024))
    return conditionalUpdate(
      request,
      metricRef(actor, key),
      (ifMatch) => updateMetric(actor, key, patch, ifMatch),
      () => metricBody(actor, key),
      ({ versions: _v, ...metric }) => metric,
    )
  })
}
