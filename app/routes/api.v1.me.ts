import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { MeJson } from '#app/schemas/responses.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/me → { user, workspace, role } of the token. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { user, workspace, actor } = await requireApiActor(request)
    return json({ user, workspace, role: actor.role } satisfies MeJson)
  })
}
