import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { ExportQuerySchema } from '#app/schemas/reviews.ts'
import { forwardedAuth, renderPdf } from '#app/services/pdf.server.ts'
import { pdfResponse } from '#app/utils/download.server.ts'
import { getReadingViewFor, recordExport } from '#app/services/reviews.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'
import { requireReadingActor } from '#app/utils/reader.server.ts'

/** GET /read/ID/export.pdf[?v=VID] → the reading view printed to PDF by the server's Chromium. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return exportPdf(request, params.id)
}

/** Shared with GET /api/v1/narratives/ID/export.pdf: authorizes, renders /read/ID as the requester, records the export. */
export async function exportPdf(request: Request, rawId: string | undefined) {
  return api(async () => {
    const actor = await requireReadingActor(request)
    const id = NarrativeIdSchema.safeParse(rawId)
    if (!id.success) throw notFound('Approved narrative')
    const { v } = parseOrThrow(ExportQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const view = await getReadingViewFor(actor, id.data, { versionId: v })
    const pdf = await renderPdf(`/read/${id.data}${v ? `?v=${v}` : ''}`, { credentials: forwardedAuth(request) })
    await recordExport(actor, id.data, view.version.id, 'pdf')
    return pdfResponse(pdf, `${view.narrative.title} v${view.version.number}.pdf`)
  })
}
