import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { InventoryIdSchema } from '#app/schemas/inventory.ts'
import { integrationJson } from '#app/api/inventory.ts'
import { deleteIntegration, getIntegrationFor, patchIntegration } from '#app/services/inventory/integrations.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { conditionalUpdate, currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, readJsonObject, requireParam } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

/** GET /api/v1/integrations/ID → integration, with its ETag. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'Integration')
    const version = await currentVersion({ table: 'integrations', id, workspaceId: actor.workspaceId })
    return jsonWithETag(request, version, integrationJson(await getIntegrationFor(actor, id)))
  })
}

/**
 * PATCH /api/v1/integrations/ID { status: "broken", … } [If-Match: ETag] (fields left out keep their values) → integration
 * with its new ETag; DELETE → 204.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'Integration')
    if (request.method === 'PATCH' || request.method === 'PUT') {
      requireRight(actor, canEditInventory)
      await requireRow(actor, 'integrations', { id })
      const patch = await readJsonObject(request, 32 * 1024)
      return conditionalUpdate(
        request,
        { table: 'integrations', id, workspaceId: actor.workspaceId },
        (ifMatch) => patchIntegration(actor, id, patch, ifMatch),
        async () => integrationJson(await getIntegrationFor(actor, id)),
      )
    }
    if (request.method === 'DELETE') {
      await deleteIntegration(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
