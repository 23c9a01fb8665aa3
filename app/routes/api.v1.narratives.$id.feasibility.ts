import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { feasibilityJson, getNarrativeFeasibility } from '#app/services/feasibility.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID/feasibility → { overall, requirements: [{ id, kind, status, reasons, assessment }] } */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    return json(feasibilityJson(await getNarrativeFeasibility(actor, id)))
  })
}
