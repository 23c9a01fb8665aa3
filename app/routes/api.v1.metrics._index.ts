import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { metricJson } from '#app/api/metrics.server.ts'
import { assertCanEditMetrics } from '#app/services/metrics/context.server.ts'
import { createMetric, listMetricsFor } from '#app/services/metrics/dictionary.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/metrics[?limit=&cursor=] → { data: [metric], nextCursor } (north stars first). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const page = pageInMemory(request, await listMetricsFor(actor), {
      list: 'metrics',
      // As the dictionary lists them: north stars, then funnel steps in order, then by name.
      key: (m) => [m.northStar ? 0 : 1, m.funnelStep ?? Number.MAX_SAFE_INTEGER, m.name.toLowerCase(), m.key],
    })
    return pageJson({ ...page, data: page.data.map(metricJson) })
  })
}

/** POST /api/v1/metrics { key, name, definition, unit, currency, direction, indicator, aggregation, … } → 201 metric. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return idempotent(request, actor, async () => {
      assertCanEditMetrics(actor)
      const input = parseOrThrow(MetricInputSchema, await readJson(request, 64 * 1024))
      const m = await createMetric(actor, input)
      return json(metricJson(m), { status: 201, headers: { Location: `/api/v1/metrics/${m.key}` } })
    })
  })
}
