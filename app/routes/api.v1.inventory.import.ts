import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { ImportQuerySchema } from '#app/schemas/inventory.ts'
import { importInventory } from '#app/services/inventory/import.server.ts'
import { readCsvBody } from '#app/utils/body-readers.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/**
 * POST /api/v1/inventory/import?kind=systems|support|integrations[&dryRun=true], body: the CSV.
 * 200 with the row report when every row is valid (written unless dryRun, all in one transaction);
 * 422 problem+json with `report.errors` (line, column, message) when any row is not: nothing written.
 * 413 over 5 MB, 400 for binary or non-UTF-8 bodies.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditInventory)
    return idempotent(request, actor, async () => {
      const query = parseOrThrow(ImportQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
      const report = await importInventory(actor, { kind: query.kind, dryRun: query.dryRun, text: await readCsvBody(request) })
      if (report.errors.length) {
        return json(
          {
            type: 'about:blank',
            title: 'Import refused',
            status: 422,
            detail: `${report.errors.length} problem${report.errors.length === 1 ? '' : 's'} in the file; nothing was imported`,
            report,
          },
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        )
      }
      return json(report)
    })
  })
}
