import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { MetricUpdateSchema } from '#app/schemas/metrics.ts'
import type { MetricDetailJson } from '#app/schemas/responses.ts'
import { assertCanEditMetrics, getMetricDetailFor, metricJson, updateMetric } from '#app/services/metrics.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/metrics/KEY → metric with its definition versions. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const { metric, versions } = await getMetricDetailFor(actor, params.key ?? '')
    return json({
      ...metricJson(metric),
      versions: versions.map((v) => ({ ...v, changedAt: v.changedAt.toISOString() })),
    } satisfies MetricDetailJson)
  })
}

/** PATCH /api/v1/metrics/KEY { name?, definition?, … } → metric (a definition change starts a new version). */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'PATCH') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    assertCanEditMetrics(actor)
    const patch = parseOrThrow(MetricUpdateSchema, await readJson(request, 64 * 1024))
    return json(metricJson(await updateMetric(actor, params.key ?? '', patch)))
  })
}
