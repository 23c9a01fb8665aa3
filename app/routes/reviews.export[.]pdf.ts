import type { LoaderFunctionArgs } from '@remix-run/node'
import { ReviewQuerySchema } from '#app/schemas/metrics.ts'
import { getReviewFor, recordReviewExport } from '#app/services/metrics/review.server.ts'
import { forwardedAuth, renderPdf } from '#app/services/pdf.server.ts'
import { pdfResponse } from '#app/utils/download.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'

/** GET /reviews/export.pdf?cadence=&period= → the metrics review page printed to PDF by the server's Chromium. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return api(async () => {
    const q = parseOrThrow(ReviewQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const review = await getReviewFor(actor, { cadence: q.cadence, period: q.period })
    const page = `/reviews?${new URLSearchParams({ cadence: review.cadence, period: review.period }).toString()}`
    // Charts are measured in the browser: this page renders with JavaScript (its own scripts only).
    const pdf = await renderPdf(page, { credentials: forwardedAuth(request), javaScript: true })
    await recordReviewExport(actor, review.periodLabel)
    return pdfResponse(pdf, `${review.periodLabel} review.pdf`)
  })
}
