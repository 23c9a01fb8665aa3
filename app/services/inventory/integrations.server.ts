/**
 * Integrations between systems: the paths feasibility follows.
 */
import { assertIfMatch, type IfMatch } from '../preconditions.server.ts'
import { getSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import { invalid, notFound } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import { IntegrationInputSchema, type IntegrationInput } from '#app/schemas/inventory.ts'
import { assertCanReadInventory, parseOr400, writeInventory } from './write.server.ts'

export async function listIntegrationsFor(actor: Actor) {
  assertCanReadInventory(actor)
  return inv.listIntegrations(getSql(), actor.workspaceId)
}

export async function getIntegrationFor(actor: Actor, id: string) {
  assertCanReadInventory(actor)
  const row = await inv.getIntegration(getSql(), { id, workspaceId: actor.workspaceId })
  if (!row) throw notFound('Integration')
  return row
}

export async function createIntegration(actor: Actor, input: IntegrationInput) {
  return writeInventory(actor, [input.fromSystemId, input.toSystemId], async (tx) => {
    const row = await inv.insertIntegration(tx, actor.workspaceId, input)
    if (!row) throw invalid('Some fields need attention', { fromSystemId: ['Choose two systems of this workspace'] })
    return row.id
  })
}

export async function updateIntegration(actor: Actor, id: string, input: IntegrationInput, ifMatch?: IfMatch) {
  await writeInventory(actor, [input.fromSystemId, input.toSystemId], async (tx) => {
    await assertIfMatch(tx, { table: 'integrations', id, workspaceId: actor.workspaceId }, ifMatch, 'Integration')
    if (!(await inv.getIntegration(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Integration')
    if (!(await inv.updateIntegration(tx, { id, workspaceId: actor.workspaceId }, input))) {
      throw invalid('Some fields need attention', { fromSystemId: ['Choose two systems of this workspace'] })
    }
  })
}

export async function patchIntegration(actor: Actor, id: string, patch: Record<string, unknown>, ifMatch?: IfMatch) {
  const current = await getIntegrationFor(actor, id)
  const { id: _id, fromName: _f, toName: _t, updatedAt: _u, ...fields } = current
  await updateIntegration(actor, id, parseOr400(IntegrationInputSchema, { ...fields, ...patch }), ifMatch)
}

export async function deleteIntegration(actor: Actor, id: string) {
  await writeInventory(actor, [], async (tx) => {
    if (!(await inv.deleteIntegration(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Integration')
  })
}
