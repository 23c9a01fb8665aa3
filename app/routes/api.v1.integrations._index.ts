import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { IntegrationInputSchema } from '#app/schemas/inventory.ts'
import { integrationJson } from '#app/api/inventory.ts'
import { createIntegration, getIntegrationFor, listIntegrationsFor } from '#app/services/inventory/integrations.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/integrations[?limit=&cursor=] → { data: [integration], nextCursor } (by source, target, name). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const page = pageInMemory(request, await listIntegrationsFor(actor), {
      list: 'integrations',
      key: (i) => [i.fromName.toLowerCase(), i.toName.toLowerCase(), i.name.toLowerCase(), i.id],
    })
    return pageJson({ ...page, data: page.data.map(integrationJson) })
  })
}

/** POST /api/v1/integrations { fromSystemId, toSystemId, objects, direction, frequency, status, liveFrom?, name?, notes? } → 201. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditInventory)
    return idempotent(request, actor, async () => {
      const id = await createIntegration(actor, parseOrThrow(IntegrationInputSchema, await readJson(request, 32 * 1024)))
      return json(integrationJson(await getIntegrationFor(actor, id)), { status: 201, headers: { Location: `/api/v1/integrations/${id}` } })
    })
  })
}
