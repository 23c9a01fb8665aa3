/** The JSON the /api/v1 inventory operations return (presenters). */
import type * as inv from '#db/queries/inventory.ts'
import { utilisation } from '#app/domain/inventory.ts'
import type { CapabilityDetailJson, IntegrationJson, SystemJson } from '#app/schemas/responses.ts'
import type { getCapabilityFor } from '#app/services/inventory/capabilities.server.ts'

/** A system as the API returns it. */
export function systemJson(s: inv.SystemRow): SystemJson {
  return {
    id: s.id,
    name: s.name,
    vendor: s.vendor,
    category: s.category,
    owner: s.ownerId ? { id: s.ownerId, name: s.ownerName } : null,
    lifecycle: s.lifecycle,
    endDate: s.endDate,
    renewalDate: s.renewalDate,
    annualCost: s.annualCost,
    seatsPaid: s.seatsPaid,
    seatsUsed: s.seatsUsed,
    utilisation: utilisation(s.seatsPaid, s.seatsUsed),
    notes: s.notes,
    updatedAt: s.updatedAt.toISOString(),
  }
}

/** A capability with the systems that support it, as the API returns it. */
export function capabilityDetailJson(c: Awaited<ReturnType<typeof getCapabilityFor>>): CapabilityDetailJson {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    support: c.support.map((s) => ({ systemId: s.systemId, level: s.level, note: s.note })),
  }
}

/** An integration as the API returns it. */
export function integrationJson(i: inv.IntegrationRow): IntegrationJson {
  return {
    id: i.id,
    from: { id: i.fromSystemId, name: i.fromName },
    to: { id: i.toSystemId, name: i.toName },
    name: i.name,
    direction: i.direction,
    objects: i.objects,
    frequency: i.frequency,
    status: i.status,
    liveFrom: i.liveFrom,
    notes: i.notes,
    updatedAt: i.updatedAt.toISOString(),
  }
}
