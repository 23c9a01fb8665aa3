import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import type { IfMatch } from '#app/services/preconditions.server.ts'
import { InitiativeIdSchema, InitiativePatchSchema, MoveSchema } from '#app/schemas/roadmap.ts'
import { deleteInitiative, getInitiativeFor, initiativeJson, moveInitiative, updateInitiative } from '#app/services/roadmap.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { conditionalUpdate, currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canEditRoadmap } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

/** GET /api/v1/initiatives/ID → initiative with score, breakdown and input per function, with its ETag. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InitiativeIdSchema, 'Initiative')
    const version = await currentVersion({ table: 'initiatives', id, workspaceId: actor.workspaceId })
    return jsonWithETag(request, version, initiativeJson(await getInitiativeFor(actor, id)))
  })
}

/**
 * PATCH /api/v1/initiatives/ID { any field of POST } (fields left out keep their values; `impacts`
 * replaces the list; `{ timeframe, index }` alone moves it on the board) [If-Match: ETag] → initiative with its new
 * ETag. DELETE → 204.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InitiativeIdSchema, 'Initiative')
    if (request.method === 'PATCH' || request.method === 'PUT') {
      requireRight(actor, canEditRoadmap)
      await requireRow(actor, 'initiatives', { id })
      const body = await readJson(request, 64 * 1024)
      const update =
        body && typeof body === 'object' && 'index' in body
          ? (
              (move) => (ifMatch: IfMatch) =>
                moveInitiative(actor, id, move, ifMatch)
            )(parseOrThrow(MoveSchema, body))
          : (
              (patch) => (ifMatch: IfMatch) =>
                updateInitiative(actor, id, patch, ifMatch)
            )(parseOrThrow(InitiativePatchSchema, body))
      return conditionalUpdate(request, { table: 'initiatives', id, workspaceId: actor.workspaceId }, update, async () =>
        initiativeJson(await getInitiativeFor(actor, id)),
      )
    }
    if (request.method === 'DELETE') {
      await deleteInitiative(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
