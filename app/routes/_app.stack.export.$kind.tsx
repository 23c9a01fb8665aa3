import type { LoaderFunctionArgs } from '@remix-run/node'
import { IMPORT_KINDS } from '#app/schemas/inventory.ts'
import { exportInventoryCsv } from '#app/services/inventory/import.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { orThrowResponse, requireParam } from '#app/utils/http.server.ts'
import { z } from 'zod'

/** GET /stack/export/systems|support|integrations — the inventory as CSV, in the import's columns. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const kind = requireParam(params, 'kind', z.enum(IMPORT_KINDS), 'Export')
    const csv = await exportInventoryCsv(actor, kind)
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="accord-${kind}-${new Date().toISOString().slice(0, 10)}.csv"`,
        'Cache-Control': 'no-store',
      },
    })
  })
}
