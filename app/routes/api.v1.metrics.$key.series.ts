import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { SeriesQuerySchema } from '#app/schemas/metrics.ts'
import { metricJson, seriesPointJson } from '#app/api/metrics.server.ts'
import { getSeriesFor } from '#app/services/metrics/series.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'

/**
 * GET /api/v1/metrics/KEY/series?granularity=month&from=2026-01&to=2026-12
 * → { metric, granularity, data: [{ period, label, actual, target, attainment, health, complete }] }
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const query = parseOrThrow(SeriesQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const { metric, points } = await getSeriesFor(actor, params.key ?? '', query)
    return json({ metric: metricJson(metric), granularity: query.granularity, data: points.map(seriesPointJson) })
  })
}
