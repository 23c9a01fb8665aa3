import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { ImportQuerySchema } from '#app/schemas/inventory.ts'
import { importInventory } from '#app/services/inventory/import.server.ts'
import { readCsvBody } from '#app/utils/body-readers.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { api, methodNotAllowed, parseOrThrow } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/**
 * POST /stack/import/upload?kind=…&dryRun=true — the import page sends the CSV file as the body
 * (so the browser can show upload progress) and gets the row report back: 200 when every row is
 * valid (and, without dryRun, written), 422 when any row is refused (nothing written).
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireWorkingMember(request)
    requireRight(actor, canEditInventory)
    const query = parseOrThrow(ImportQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const text = await readCsvBody(request)
    const report = await importInventory(actor, { kind: query.kind, dryRun: query.dryRun, text })
    return json(report, { status: report.errors.length ? 422 : 200 })
  })
}
