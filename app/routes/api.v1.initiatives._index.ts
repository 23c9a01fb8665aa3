import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { InitiativeInputSchema } from '#app/schemas/roadmap.ts'
import { createInitiative, getRoadmapFor, initiativeJson } from '#app/services/roadmap.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { canEditRoadmap } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/initiatives[?limit=&cursor=] → { data: [initiative with score and breakdown], nextCursor, weights } (highest score first). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const roadmap = await getRoadmapFor(actor)
    const page = pageInMemory(request, roadmap.initiatives, { list: 'initiatives', key: (i) => [i.rank, i.id] })
    return pageJson({ ...page, data: page.data.map(initiativeJson) }, { weights: roadmap.weights })
  })
}

/**
 * POST /api/v1/initiatives { title, description?, ownerId?, narrativeId?, timeframe: "2027-Q1" | "now" | "next" | "later",
 * status?, effort: "S" | "M" | "L" | "XL", effortWeeks?, impacts?: [{ metric, expectedChange, confidence }] } → 201.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditRoadmap)
    return idempotent(request, actor, async () => {
      const input = parseOrThrow(InitiativeInputSchema, await readJson(request, 64 * 1024))
      const created = await createInitiative(actor, input)
      return json(initiativeJson(created), { status: 201, headers: { Location: `/api/v1/initiatives/${created.id}` } })
    })
  })
}
