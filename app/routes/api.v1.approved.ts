import type { LoaderFunctionArgs } from '@remix-run/node'
import type { ApprovedJson } from '#app/schemas/responses.ts'
import { listApprovedFor } from '#app/services/reviews.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api } from '#app/utils/http.server.ts'

/** GET /api/v1/approved[?limit=&cursor=] → the leadership library: approved narratives, newest approval first. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const page = pageInMemory(request, await listApprovedFor(actor), {
      list: 'approved',
      key: (r) => [r.approvedAt.toISOString(), r.id],
      desc: [true, true],
    })
    return pageJson({
      ...page,
      data: page.data.map(
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
