import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { InventoryIdSchema, SystemSupportBodySchema } from '#app/schemas/inventory.ts'
import type { SystemCapabilitiesJson } from '#app/schemas/responses.ts'
import { listCapabilitiesFor, setSupport } from '#app/services/inventory/capabilities.server.ts'
import { getSystemFor } from '#app/services/inventory/systems.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

/** PUT /api/v1/systems/ID/capabilities { capability, level, note } → the system's capabilities. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'PUT' && request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'System')
    requireRight(actor, canEditInventory)
    await requireRow(actor, 'systems', { id: id })
    const body = parseOrThrow(SystemSupportBodySchema, await readJson(request, 16 * 1024))
    const cap = (await listCapabilitiesFor(actor)).find(
      (c) => c.id === body.capability || c.name.toLowerCase() === body.capability.toLowerCase(),
    )
    if (!cap) throw notFound('Capability')
    await setSupport(actor, { systemId: id, capabilityId: cap.id, level: body.level, note: body.note })
    const d = await getSystemFor(actor, id)
    return json({
      data: d.support
        .filter((s) => s.level !== 'none')
        .map((s) => ({ id: s.capability.id, name: s.capability.name, level: s.level, note: s.note })),
    } satisfies SystemCapabilitiesJson)
  })
}
