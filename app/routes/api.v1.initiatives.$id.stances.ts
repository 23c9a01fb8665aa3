import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { InitiativeIdSchema, StanceInputSchema } from '#app/schemas/roadmap.ts'
import { listStancesFor, setStance, stanceJson, withdrawStance } from '#app/services/roadmap.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canGiveStance } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

/** GET /api/v1/initiatives/ID/stances[?limit=&cursor=] → { data: [{ userId, name, function, stance, reason, updatedAt }], nextCursor }, latest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const stances = (await listStancesFor(actor, requireParam(params, 'id', InitiativeIdSchema, 'Initiative'))).map(stanceJson)
    return pageJson(pageInMemory(request, stances, { list: 'stances', key: (s) => [String(s.updatedAt), s.userId], desc: [true, true] }))
  })
}

/**
 * POST (or PUT) /api/v1/initiatives/ID/stances { stance: "support" | "concern" | "block", reason } → 201 when new,
 * 200 when it replaced your previous stance. DELETE withdraws yours → 204.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InitiativeIdSchema, 'Initiative')
    if (request.method === 'POST' || request.method === 'PUT') {
      requireRight(actor, canGiveStance)
      await requireRow(actor, 'initiatives', { id })
      const put = async () => {
        const input = parseOrThrow(StanceInputSchema, await readJson(request, 16 * 1024))
        const result = await setStance(actor, id, input)
        return json({ data: result.stances.map(stanceJson) }, { status: result.created ? 201 : 200 })
      }
      return request.method === 'POST' ? idempotent(request, actor, put) : put()
    }
    if (request.method === 'DELETE') {
      await withdrawStance(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
