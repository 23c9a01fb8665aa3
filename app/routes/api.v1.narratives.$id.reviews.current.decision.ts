import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { DecisionSchema } from '#app/schemas/reviews.ts'
import { decideReview } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export function loader() {
  return methodNotAllowed()
}

/**
 * POST /api/v1/narratives/ID/reviews/current/decision { decision: "approve" | "changes", note?, versionId? }
 * → { outcome, versionId, approvedVersionId }; 409 with `currentVersionId` when the text changed.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    requireRight(actor, canSeeWorkingMaterial)
    await getNarrativeFor(actor, id)
    const input = parseOrThrow(DecisionSchema, await readJson(request, 16 * 1024))
    const result = await decideReview(actor, id, input)
    return json({ outcome: result.outcome, versionId: result.versionId, approvedVersionId: result.approvedVersionId })
  })
}
