import type { LoaderFunctionArgs } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { ExportQuerySchema } from '#app/schemas/reviews.ts'
import { getReadingViewFor, recordExport } from '#app/services/reviews.server.ts'
import { getVersionMarkdown } from '#app/services/versions.server.ts'
import { api, parseOrThrow, requireParam } from '#app/utils/http.server.ts'
import { requireReadingActor } from '#app/utils/reader.server.ts'

/** GET /read/ID/export.md[?v=VID] → the approved version as Markdown. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const actor = await requireReadingActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Approved narrative')
    const { v } = parseOrThrow(ExportQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const view = await getReadingViewFor(actor, id, { versionId: v })
    const { markdown } = await getVersionMarkdown(actor, id, view.version.id)
    await recordExport(actor, id, view.version.id, 'markdown')
    const filename = `${view.narrative.title} v${view.version.number}.md`.replace(/[^\w.-]+/g, '-')
    return new Response(`# ${view.narrative.title}\n\n${markdown}\n`, {
      headers: { 'Content-Type': 'text/markdown; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"` },
    })
  })
}
