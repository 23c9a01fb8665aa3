import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { InventoryIdSchema, RequirementInputSchema } from '#app/schemas/inventory.ts'
import { addRequirement, getNarrativeFeasibility, removeRequirement, requirementJson } from '#app/services/feasibility.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canEditRequirements } from '#app/domain/policies.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/narratives/ID/requirements[?limit=&cursor=] → { data: [requirement with status and reasons], nextCursor } (oldest first). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const f = await getNarrativeFeasibility(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))
    const page = pageInMemory(request, f.requirements, { list: 'requirements', key: (r) => [r.createdAt, r.id] })
    return pageJson({ ...page, data: page.data.map(requirementJson) })
  })
}

/**
 * POST /api/v1/narratives/ID/requirements { kind, capability?, system?, from?, to?, objects?, object?,
 * measure?, field?, op?, threshold?, neededBy?, note? } → 201 requirement with its result.
 * Names not in the inventory are accepted and evaluate to "unknown".
 * DELETE /api/v1/narratives/ID/requirements?id=REQUIREMENT → 204.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    if (request.method === 'POST') {
      requireRight(actor, canEditRequirements(actor, await getNarrativeFor(actor, id)))
      return idempotent(request, actor, async () => {
        const input = parseOrThrow(RequirementInputSchema, await readJson(request, 16 * 1024))
        const requirementId = await addRequirement(actor, id, input)
        const created = (await getNarrativeFeasibility(actor, id)).requirements.find((r) => r.id === requirementId)!
        return json(requirementJson(created), { status: 201 })
      })
    }
    if (request.method === 'DELETE') {
      const requirementId = InventoryIdSchema.safeParse(new URL(request.url).searchParams.get('id'))
      if (!requirementId.success) throw notFound('Requirement')
      await removeRequirement(actor, { narrativeId: id, requirementId: requirementId.data })
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
