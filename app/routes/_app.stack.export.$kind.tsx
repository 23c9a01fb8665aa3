import type { LoaderFunctionArgs } from '@remix-run/node'
import { IMPORT_KINDS } from '#app/schemas/inventory.ts'
import { exportInventoryCsv } from '#app/services/inventory/import.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { orThrowResponse } from '#app/utils/http.server.ts'
import { notFound } from '#app/domain/errors.ts'
import { z } from 'zod'

/** GET /stack/export/systems|support|integrations — the inventory as CSV, in the import's columns. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const kind = z.enum(IMPORT_KINDS).safeParse(params.kind)
    if (!kind.success) throw notFound('Export')
    const csv = await exportInventoryCsv(actor, kind.data)
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="accord-${kind.data}-${new Date().toISOString().slice(0, 10)}.csv"`,
        'Cache-Control': 'no-store',
      },
    })
  })
}
