import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { ApprovedJson } from '#app/schemas/responses.ts'
import { listApprovedFor } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/approved → the leadership library: approved narratives, newest approval first. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const rows = await listApprovedFor(actor)
    return json({
      data: rows.map(
        (r) =>
          ({
            id: r.id,
            title: r.title,
            status: r.status,
            owner: r.ownerName,
            approvedVersionId: r.approvedVersionId,
            version: r.versionNumber,
            approvedAt: r.approvedAt.toISOString(),
            approvers: r.approvers,
            excerpt: r.excerpt,
          }) satisfies ApprovedJson,
      ),
    })
  })
}
