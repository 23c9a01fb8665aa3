import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { ApiTokenRequestSchema } from '#app/schemas/accounts.ts'
import type { TokenJson } from '#app/schemas/responses.ts'
import { issueApiTokenWithPassword } from '#app/services/workspaces.server.ts'
import { clientAddress } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** POST /api/v1/tokens { email, password, workspace? } → 201 { token }. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const input = parseOrThrow(ApiTokenRequestSchema, await readJson(request, 16 * 1024))
    const { token, workspace } = await issueApiTokenWithPassword({ ...input, ip: clientAddress(request) })
    return json({ token, workspace: { id: workspace.id, name: workspace.name } } satisfies TokenJson, { status: 201 })
  })
}

export const loader = () => methodNotAllowed()
