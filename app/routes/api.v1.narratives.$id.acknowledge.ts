import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { acknowledgeApproved } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, requireParam } from '#app/utils/http.server.ts'

export function loader() {
  return methodNotAllowed()
}

/** POST /api/v1/narratives/ID/acknowledge → { versionId }: "I have read the approved version" (readers too). */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return idempotent(request, actor, async () => {
      const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
      return json(await acknowledgeApproved(actor, id))
    })
  })
}
