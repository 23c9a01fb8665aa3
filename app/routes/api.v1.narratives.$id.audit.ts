import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import type { AuditEventJson } from '#app/schemas/responses.ts'
import { listAuditFor } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/audit → the audit trail: review requests, decisions, publications, exports (newest first). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = NarrativeIdSchema.safeParse(params.id)
    if (!id.success) throw notFound('Narrative')
    const events = await listAuditFor(actor, id.data)
    return json({
      data: events.map(
        (e) =>
          ({
            kind: e.kind,
            actor: e.actorId ? { id: e.actorId, name: e.actorName } : null,
            versionId: e.versionId,
            version: e.versionNumber,
            detail: e.detail,
            at: e.createdAt.toISOString(),
          }) satisfies AuditEventJson,
      ),
    })
  })
}
