import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { VersionFormatSchema } from '#app/schemas/reviews.ts'
import { getVersionFor, getVersionMarkdown, versionJson } from '#app/services/versions.server.ts'
import type { VersionDetailJson } from '#app/schemas/responses.ts'
import { recordExport } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, parseOrThrow, requireParam } from '#app/utils/http.server.ts'

/**
 * GET /api/v1/narratives/ID/versions/VID?format=json|html|markdown → the version's metadata with
 * its HTML and text (json), or the HTML / Markdown document itself. Readers: approved versions only.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const vid = requireParam(params, 'vid', NarrativeIdSchema, 'Version')
    const format = parseOrThrow(VersionFormatSchema, new URL(request.url).searchParams.get('format') ?? undefined)
    if (format === 'markdown') {
      const { version, markdown } = await getVersionMarkdown(actor, id, vid)
      if (version.kind === 'approved') await recordExport(actor, id, version.id, 'markdown')
      return new Response(markdown, {
        headers: {
          'Content-Type': 'text/markdown; charset=utf-8',
          'Content-Disposition': `inline; filename="narrative-v${version.number}.md"`,
        },
      })
    }
    const version = await getVersionFor(actor, id, vid)
    if (format === 'html') {
      return new Response(version.html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })
    }
    return json({ ...versionJson(version), html: version.html, text: version.text, evidence: version.evidence } satisfies VersionDetailJson)
  })
}
