import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { listVersionsFor, versionJson } from '#app/services/versions.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/versions → { data: [{ id, number, kind, name, createdBy, createdAt }] }, newest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = NarrativeIdSchema.safeParse(params.id)
    if (!id.success) throw notFound('Narrative')
    const list = await listVersionsFor(actor, id.data)
    return json({ data: list.versions.map(versionJson) })
  })
}
