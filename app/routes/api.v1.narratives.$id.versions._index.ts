import type { LoaderFunctionArgs } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { listVersionsFor, versionJson } from '#app/services/versions.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/versions[?limit=&cursor=] → { data: [{ id, number, kind, name, createdBy, createdAt }], nextCursor }, newest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const list = await listVersionsFor(actor, id)
    const page = pageInMemory(request, list.versions, { list: 'versions', key: (v) => [v.number, v.id], desc: [true, true] })
    return pageJson({ ...page, data: page.data.map(versionJson) })
  })
}
