import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { RequestReviewSchema } from '#app/schemas/reviews.ts'
import { getReviewPanelFor, requestReview } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { reviewJson } from '#app/services/review-json.server.ts'
import { canRequestReview, canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/narratives/ID/reviews → the current (or last) review, its approvers and the approval checklist. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return json(reviewJson(await getReviewPanelFor(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))))
  })
}

/** POST /api/v1/narratives/ID/reviews { approverIds, dueDate? } → 201 { reviewId, versionId }. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    // A reader is refused before anything is looked up.
    requireRight(actor, canSeeWorkingMaterial)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    requireRight(actor, canRequestReview(actor, await getNarrativeFor(actor, id)))
    return idempotent(request, actor, async () => {
      const input = parseOrThrow(RequestReviewSchema, await readJson(request, 16 * 1024))
      const created = await requestReview(actor, id, input)
      return json({ reviewId: created.reviewId, versionId: created.versionId, versionNumber: created.versionNumber }, { status: 201 })
    })
  })
}
