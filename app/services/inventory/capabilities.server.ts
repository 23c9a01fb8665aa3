/**
 * The capability taxonomy and which systems support each capability.
 */
import { assertIfMatch, type IfMatch } from '../preconditions.server.ts'
import { getSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import { notFound } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import type { CapabilityInputSchema, SupportInputSchema } from '#app/schemas/inventory.ts'
import type { z } from 'zod'
import { assertCanReadInventory, writeInventory } from './write.server.ts'

/** The capability taxonomy with each live system's support: the capability matrix. */
export async function getCapabilityMatrix(actor: Actor) {
  assertCanReadInventory(actor)
  const sql = getSql()
  const [capabilities, systems, support] = await Promise.all([
    inv.listCapabilities(sql, actor.workspaceId),
    inv.listSystems(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
  ])
  return { capabilities, systems, support }
}

export async function listCapabilitiesFor(actor: Actor) {
  assertCanReadInventory(actor)
  return inv.listCapabilities(getSql(), actor.workspaceId)
}

export async function getCapabilityFor(actor: Actor, id: string) {
  assertCanReadInventory(actor)
  const sql = getSql()
  const capability = await inv.getCapability(sql, { id, workspaceId: actor.workspaceId })
  if (!capability) throw notFound('Capability')
  const support = (await inv.listSupport(sql, actor.workspaceId)).filter((s) => s.capabilityId === id)
  return { ...capability, support }
}

export async function createCapability(actor: Actor, input: z.infer<typeof CapabilityInputSchema>) {
  return writeInventory(actor, [], async (tx) => (await inv.insertCapability(tx, actor.workspaceId, input)).id)
}

export async function updateCapability(actor: Actor, id: string, input: z.infer<typeof CapabilityInputSchema>, ifMatch?: IfMatch) {
  await writeInventory(actor, [], async (tx) => {
    await assertIfMatch(tx, { table: 'capabilities', id, workspaceId: actor.workspaceId }, ifMatch, 'Capability')
    if (!(await inv.updateCapability(tx, { id, workspaceId: actor.workspaceId }, input))) throw notFound('Capability')
  })
}

export async function deleteCapability(actor: Actor, id: string) {
  await writeInventory(actor, [], async (tx) => {
    if (!(await inv.deleteCapability(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Capability')
  })
}

export async function setSupport(actor: Actor, input: z.infer<typeof SupportInputSchema>) {
  await writeInventory(actor, [input.systemId], async (tx) => {
    if (!(await inv.upsertSupport(tx, actor.workspaceId, input))) throw notFound('System or capability')
  })
}
