import type { LoaderFunctionArgs } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import type { AuditEventJson } from '#app/schemas/responses.ts'
import { listAuditFor } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { keysetOf, keysetSpec, pageFromRows, pageJson, readPage } from '#app/utils/api-conventions.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/audit[?limit=&cursor=] → the audit trail: review requests, decisions, publications, exports (newest first). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const page = readPage(request, 'narrative-audit')
    const events = await listAuditFor(actor, id, keysetOf(page))
    const shown = pageFromRows(request, events, keysetSpec('narrative-audit'), page.limit)
    return pageJson({
      ...shown,
      data: shown.data.map((e): AuditEventJson => ({
        kind: e.kind,
        actor: e.actorId ? { id: e.actorId, name: e.actorName } : null,
        versionId: e.versionId,
        version: e.versionNumber,
        detail: e.detail,
        at: e.createdAt.toISOString(),
      })),
    })
  })
}
