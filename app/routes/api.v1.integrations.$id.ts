import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { InventoryIdSchema } from '#app/schemas/inventory.ts'
import { deleteIntegration, getIntegrationFor, integrationJson, patchIntegration } from '#app/services/inventory.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, readJsonObject } from '#app/utils/http.server.ts'

function integrationId(params: { id?: string }) {
  const parsed = InventoryIdSchema.safeParse(params.id)
  if (!parsed.success) throw notFound('Integration')
  return parsed.data
}

/** GET /api/v1/integrations/ID */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return json(integrationJson(await getIntegrationFor(actor, integrationId(params))))
  })
}

/** PATCH /api/v1/integrations/ID { status: "broken", … } (fields left out keep their values); DELETE → 204. */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = integrationId(params)
    if (request.method === 'PATCH' || request.method === 'PUT') {
      await patchIntegration(actor, id, await readJsonObject(request, 32 * 1024))
      return json(integrationJson(await getIntegrationFor(actor, id)))
    }
    if (request.method === 'DELETE') {
      await deleteIntegration(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
