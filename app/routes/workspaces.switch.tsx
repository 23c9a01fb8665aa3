import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { z } from 'zod'
import { switchWorkspace } from '#app/services/workspaces.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'

const SwitchSchema = z.object({ workspaceId: z.uuid('Unknown workspace') })

export async function action({ request }: ActionFunctionArgs) {
  const { user, token } = await requireUser(request)
  return orThrowResponse(async () => {
    const { workspaceId } = parseOrThrow(SwitchSchema, await readForm(request))
    await switchWorkspace({ userId: user.id, sessionToken: token, workspaceId })
    return redirect('/home')
  })
}

export const loader = () => redirect('/home')
