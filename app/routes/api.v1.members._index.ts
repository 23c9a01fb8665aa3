import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { listMembersForApi, memberJson } from '#app/services/workspaces.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed } from '#app/utils/http.server.ts'

/** GET /api/v1/members → { data: [{ id, name, email, role, function, joined }] } by name (readers: 403). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return json({ data: (await listMembersForApi(actor)).map(memberJson) })
  })
}

/** Members join through invite links (Settings → Members), not through the API. */
export const action = () => methodNotAllowed()
