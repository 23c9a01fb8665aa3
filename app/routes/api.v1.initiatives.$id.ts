import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { InitiativeIdSchema, InitiativePatchSchema, MoveSchema } from '#app/schemas/roadmap.ts'
import { deleteInitiative, getInitiativeFor, initiativeJson, moveInitiative, updateInitiative } from '#app/services/roadmap.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

function initiativeId(raw: string | undefined) {
  const id = InitiativeIdSchema.safeParse(raw)
  if (!id.success) throw notFound('Initiative')
  return id.data
}

/** GET /api/v1/initiatives/ID → initiative with score, breakdown and input per function. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return json(initiativeJson(await getInitiativeFor(actor, initiativeId(params.id))))
  })
}

/**
 * PATCH /api/v1/initiatives/ID { any field of POST } (fields left out keep their values; `impacts`
 * replaces the list; `{ timeframe, index }` alone moves it on the board) → initiative. DELETE → 204.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = initiativeId(params.id)
    if (request.method === 'PATCH' || request.method === 'PUT') {
      const body = await readJson(request, 64 * 1024)
      if (body && typeof body === 'object' && 'index' in body) {
        return json(initiativeJson(await moveInitiative(actor, id, parseOrThrow(MoveSchema, body))))
      }
      return json(initiativeJson(await updateInitiative(actor, id, parseOrThrow(InitiativePatchSchema, body))))
    }
    if (request.method === 'DELETE') {
      await deleteInitiative(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
