import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { assertCanEditMetrics, createMetric, listMetricsFor, metricJson } from '#app/services/metrics.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/metrics → { data: [metric] } (north stars first). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return json({ data: (await listMetricsFor(actor)).map(metricJson) })
  })
}

/** POST /api/v1/metrics { key, name, definition, unit, currency, direction, indicator, aggregation, … } → 201 metric. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    assertCanEditMetrics(actor)
    const input = parseOrThrow(MetricInputSchema, await readJson(request, 64 * 1024))
    const m = await createMetric(actor, input)
    return json(metricJson(m), { status: 201, headers: { Location: `/api/v1/metrics/${m.key}` } })
  })
}
