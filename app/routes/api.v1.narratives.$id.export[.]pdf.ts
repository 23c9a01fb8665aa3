import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'
import { exportPdf } from './read.$id.export[.]pdf.ts'

/** GET /api/v1/narratives/ID/export.pdf[?v=VID] → the approved version as PDF (bearer token). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    await requireApiActor(request)
    return exportPdf(request, params.id)
  })
}
