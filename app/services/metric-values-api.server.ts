import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { ValueKind } from '#app/domain/metrics.ts'
import { ValueBatchSchema } from '#app/schemas/metrics.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { assertCanWriteValues, listStoredValuesFor, putValues, withBatchErrors } from './metrics.server.ts'

/** GET /api/v1/metrics/KEY/{actuals|targets}[?limit=&cursor=] → { data: [{ period, granularity, value }], nextCursor } by granularity, then period. */
export function loadStoredValues({ request, params }: LoaderFunctionArgs, kind: ValueKind) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const values = await listStoredValuesFor(actor, params.key ?? '', kind)
    return pageJson(pageInMemory(request, values, { list: `metric-${kind}s`, key: (v) => [v.granularity, v.period] }))
  })
}

/**
 * PUT /api/v1/metrics/KEY/{actuals|targets} [{ period, value }] → { inserted, updated, unchanged }.
 * Idempotent per period; one bad row is a 400 listing every bad row, and none of the rows is saved.
 */
export function putStoredValues({ request, params }: ActionFunctionArgs, kind: ValueKind) {
  if (request.method !== 'PUT') return methodNotAllowed()
  return api(() =>
    withBatchErrors(async () => {
      const { actor } = await requireApiActor(request)
      await assertCanWriteValues(actor, params.key ?? '', kind)
      const rows = parseOrThrow(ValueBatchSchema, await readJson(request, 2 * 1024 * 1024))
      return json(await putValues(actor, params.key ?? '', kind, rows, 'api'))
    }),
  )
}
