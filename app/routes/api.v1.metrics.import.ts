import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { ImportQuerySchema } from '#app/schemas/metrics.ts'
import { withBatchErrors } from '#app/api/metrics.server.ts'
import { assertCanImport, importCsv } from '#app/services/metrics/import.server.ts'
import { readTextBody } from '#app/utils/body-readers.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, problem } from '#app/utils/http.server.ts'

/**
 * POST /api/v1/metrics/import?dryRun=true&granularity=month&kind=actual with a CSV body
 * (columns: metric, period or date, value; optionally kind) → { dryRun, rows, summary }.
 * All or nothing: any bad row is a 400 whose `rows` give line, column and reason; nothing saved.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(() =>
    withBatchErrors(async () => {
      const { actor } = await requireApiActor(request)
      return idempotent(request, actor, async () => {
        await assertCanImport(actor)
        const opts = parseOrThrow(ImportQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
        const type = request.headers.get('Content-Type') ?? ''
        if (type && !/^(text\/(csv|plain)|application\/octet-stream)\b/i.test(type)) return problem(415, 'Send the CSV as text/csv')
        const result = await importCsv(actor, await readTextBody(request), opts)
        return json(result, { status: opts.dryRun ? 200 : 201 })
      })
    }),
  )
}

export const loader = () => methodNotAllowed()
