/**
 * Systems of the tech stack, their data-quality figures, and the stack map.
 */
import { assertIfMatch, type IfMatch } from '../preconditions.server.ts'
import { getSql, type TransactionSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import * as requirements from '#db/queries/requirements.ts'
import { listMembers } from '#db/queries/workspaces.ts'
import { conflict, invalid, notFound } from '#app/domain/errors.ts'
import { utilisation } from '#app/domain/inventory.ts'
import { worsenedBy } from '#app/domain/feasibility.ts'
import type { Actor } from '#app/domain/policies.ts'
import { SystemInputSchema, type FigureInputSchema, type SystemInput } from '#app/schemas/inventory.ts'
import type { z } from 'zod'
import { todayIso } from '../feasibility.server.ts'
import { assertCanEditInventory, assertCanReadInventory, parseOr400, writeInventory } from './write.server.ts'

/** Every system with its utilisation and how much relies on it. */
export async function listSystemsFor(actor: Actor) {
  assertCanReadInventory(actor)
  const sql = getSql()
  const [systems, support, integrations, dependents] = await Promise.all([
    inv.listSystems(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
    inv.listIntegrations(sql, actor.workspaceId),
    requirements.countDependentNarratives(sql, actor.workspaceId),
  ])
  return systems.map((s) => ({
    ...s,
    utilisation: utilisation(s.seatsPaid, s.seatsUsed),
    capabilities: support.filter((x) => x.systemId === s.id && x.level !== 'none').length,
    integrations: integrations.filter((i) => i.fromSystemId === s.id || i.toSystemId === s.id).length,
    dependents: dependents.get(s.id) ?? 0,
  }))
}

/** One system with its capabilities, integrations, data quality and the narratives that depend on it. */
export async function getSystemFor(actor: Actor, id: string) {
  assertCanReadInventory(actor)
  const sql = getSql()
  const system = await inv.getSystem(sql, { id, workspaceId: actor.workspaceId })
  if (!system) throw notFound('System')
  const [capabilities, support, integrations, figures, dependents] = await Promise.all([
    inv.listCapabilities(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
    inv.listIntegrations(sql, actor.workspaceId, { systemId: id }),
    inv.listFigures(sql, actor.workspaceId, { systemId: id }),
    requirements.listDependents(sql, { workspaceId: actor.workspaceId, systemId: id }),
  ])
  const mine = new Map(support.filter((s) => s.systemId === id).map((s) => [s.capabilityId, s]))
  return {
    system: { ...system, utilisation: utilisation(system.seatsPaid, system.seatsUsed) },
    support: capabilities.map((c) => ({ capability: c, level: mine.get(c.id)?.level ?? 'none', note: mine.get(c.id)?.note ?? '' })),
    integrations,
    figures,
    dependents,
  }
}

async function assertOwnerIsMember(tx: TransactionSql, workspaceId: string, ownerId: string | null) {
  if (ownerId && !(await inv.isMember(tx, { workspaceId, userId: ownerId }))) {
    throw invalid('Some fields need attention', { ownerId: ['The owner must be a member of this workspace'] })
  }
}

export async function createSystem(actor: Actor, input: SystemInput) {
  return writeInventory(
    actor,
    (id: string) => [id],
    async (tx) => {
      await assertOwnerIsMember(tx, actor.workspaceId, input.ownerId)
      return (await inv.insertSystem(tx, actor.workspaceId, input)).id
    },
  )
}

export async function updateSystem(actor: Actor, id: string, input: SystemInput, ifMatch?: IfMatch) {
  await writeInventory(actor, [id], async (tx) => {
    await assertIfMatch(tx, { table: 'systems', id, workspaceId: actor.workspaceId }, ifMatch, 'System')
    await assertOwnerIsMember(tx, actor.workspaceId, input.ownerId)
    if (!(await inv.updateSystem(tx, { id, workspaceId: actor.workspaceId }, input))) throw notFound('System')
  })
}

/** Merges a partial change (API PATCH) into the stored system and validates the whole. */
export async function patchSystem(actor: Actor, id: string, patch: Record<string, unknown>, ifMatch?: IfMatch) {
  assertCanReadInventory(actor)
  const current = await inv.getSystem(getSql(), { id, workspaceId: actor.workspaceId })
  if (!current) throw notFound('System')
  const merged = parseOr400(SystemInputSchema, { ...systemInputOf(current), ...patch })
  await updateSystem(actor, id, merged, ifMatch)
}

/** A stored system as the input that would write it again. */
export function systemInputOf(s: inv.SystemRow): SystemInput {
  return {
    name: s.name,
    vendor: s.vendor,
    category: s.category,
    ownerId: s.ownerId,
    lifecycle: s.lifecycle,
    endDate: s.endDate,
    renewalDate: s.renewalDate,
    annualCost: s.annualCost,
    seatsPaid: s.seatsPaid,
    seatsUsed: s.seatsUsed,
    notes: s.notes,
  }
}

/**
 * What saving `input` for a system would break, before it is saved: every requirement whose
 * result would get worse, with its narrative. Nothing is written.
 */
export async function previewSystemChange(actor: Actor, id: string, input: SystemInput) {
  assertCanEditInventory(actor)
  const sql = getSql()
  const [inventory, rows] = await Promise.all([
    inv.loadInventory(sql, actor.workspaceId),
    requirements.listWorkspaceRequirements(sql, actor.workspaceId),
  ])
  if (!inventory.systems.some((s) => s.id === id && !s.deleted)) throw notFound('System')
  const after = {
    ...inventory,
    systems: inventory.systems.map((s) =>
      s.id === id ? { ...s, name: input.name, lifecycle: input.lifecycle, endDate: input.endDate, renewalDate: input.renewalDate } : s,
    ),
  }
  const worse = worsenedBy(rows.map(requirements.toEngineRequirement), inventory, after, todayIso())
  const byId = new Map(rows.map((r) => [r.id, r]))
  const narratives = await requirements.narrativeSummaries(sql, {
    workspaceId: actor.workspaceId,
    ids: [...new Set(worse.map((w) => byId.get(w.id)!.narrativeId))],
  })
  return narratives
    .map((n) => ({
      narrativeId: n.id,
      title: n.title,
      status: n.status,
      requirements: worse.filter((w) => byId.get(w.id)!.narrativeId === n.id),
    }))
    .sort((a, b) => a.title.localeCompare(b.title))
}

/**
 * Deletes a system. When requirements rely on it, the first call is refused with 409 and what
 * would break; `confirm: true` deletes anyway and those requirements fail with "system deleted".
 */
export async function deleteSystem(actor: Actor, id: string, opts: { confirm: boolean }) {
  await writeInventory(actor, [id], async (tx) => {
    const system = await inv.getSystem(tx, { id, workspaceId: actor.workspaceId })
    if (!system) throw notFound('System')
    const dependents = await requirements.listDependents(tx, { workspaceId: actor.workspaceId, systemId: id })
    if (dependents.length && !opts.confirm) {
      const n = dependents.reduce((sum, d) => sum + d.requirements, 0)
      throw conflict(
        `${n} requirement${n === 1 ? '' : 's'} in ${dependents.length} narrative${dependents.length === 1 ? '' : 's'} rel${n === 1 ? 'ies' : 'y'} on ${system.name} (${dependents.map((d) => `“${d.title}”`).join(', ')}). Confirm to delete it anyway; they will fail with “system deleted”.`,
      )
    }
    await inv.deleteSystem(tx, { id, workspaceId: actor.workspaceId })
  })
}

// ---------- Data quality ----------

export async function recordFigure(actor: Actor, systemId: string, input: z.infer<typeof FigureInputSchema>) {
  await writeInventory(actor, [systemId], async (tx) => {
    if (!(await inv.upsertFigure(tx, actor.workspaceId, { ...input, systemId, recordedBy: actor.userId }))) throw notFound('System')
  })
}

export async function deleteFigure(actor: Actor, args: { systemId: string; figureId: string }) {
  await writeInventory(actor, [args.systemId], async (tx) => {
    if (!(await inv.deleteFigure(tx, { id: args.figureId, workspaceId: actor.workspaceId, systemId: args.systemId })))
      throw notFound('Figure')
  })
}

/** Members, for choosing a system's owner. */
export async function listOwnerChoices(actor: Actor) {
  assertCanReadInventory(actor)
  return (await listMembers(getSql(), actor.workspaceId)).map((m) => ({ id: m.userId, name: m.name, email: m.email }))
}

/** The whole inventory as the stack map draws it. */
export async function getStackMap(actor: Actor) {
  assertCanReadInventory(actor)
  const sql = getSql()
  const [systems, integrations] = await Promise.all([inv.listSystems(sql, actor.workspaceId), inv.listIntegrations(sql, actor.workspaceId)])
  return { systems, integrations }
}
