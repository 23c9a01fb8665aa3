import type { LoaderFunctionArgs } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { listVersionsFor, versionJson } from '#app/services/versions.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/versions[?limit=&cursor=] → { data: [{ id, number, kind, name, createdBy, createdAt }], nextCursor }, newest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = NarrativeIdSchema.safeParse(params.id)
    if (!id.success) throw notFound('Narrative')
    const list = await listVersionsFor(actor, id.data)
    const page = pageInMemory(request, list.versions, { list: 'versions', key: (v) => [v.number, v.id], desc: [true, true] })
    return pageJson({ ...page, data: page.data.map(versionJson) })
  })
}
