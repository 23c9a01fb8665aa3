import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { CommitmentInputSchema } from '#app/schemas/metrics.ts'
import { commitmentJson } from '#app/api/metrics.server.ts'
import { addCommitment, listCommitmentsFor } from '#app/services/metrics/commitments.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canEditCommitments } from '#app/domain/policies.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/narratives/ID/commitments[?limit=&cursor=] → { data: [commitment with progress], nextCursor, needsLeadingIndicator } (by due date). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const list = await listCommitmentsFor(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))
    const page = pageInMemory(request, list.commitments, {
      list: 'commitments',
      key: (c) => [c.dueOn, c.createdAt.toISOString(), c.id],
    })
    return pageJson({ ...page, data: page.data.map(commitmentJson) }, { needsLeadingIndicator: list.needsLeadingIndicator })
  })
}

/** POST /api/v1/narratives/ID/commitments { metricKey, baseline, target, dueOn, granularity?, note? } → 201. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    requireRight(actor, canEditCommitments(actor, await getNarrativeFor(actor, id)))
    return idempotent(request, actor, async () => {
      const input = parseOrThrow(CommitmentInputSchema, await readJson(request, 16 * 1024))
      const row = await addCommitment(actor, id, input)
      const list = await listCommitmentsFor(actor, id)
      return json(commitmentJson(list.commitments.find((c) => c.id === row.id)!), { status: 201 })
    })
  })
}
