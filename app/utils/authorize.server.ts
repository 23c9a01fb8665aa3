/**
 * Authorization before a body is read (issue 14). A route asks the same policy function its
 * service checks, and looks up the object the URL names, before it reads or parses the request
 * body: someone refused a write gets the 403 (or the 404 of an object they cannot see) whatever
 * they send, never the field rules of a write they may not make. The services keep their own
 * checks: they are the rule for every other door.
 */
import { findNul, forbidden, notFound } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import { getSql } from '#db/client.ts'
import { getRowVersion, type VersionedTable } from '#db/queries/api-conventions.ts'

/** Refuses `actor` when `can` (a policy of app/domain/policies.ts, or its answer) says no. */
export function requireRight(actor: Actor, can: ((actor: Actor) => boolean) | boolean): void {
  if (!(typeof can === 'boolean' ? can : can(actor))) throw forbidden('Your role in this workspace does not allow this change')
}

const NAMES: Record<VersionedTable, string> = {
  narratives: 'Narrative',
  systems: 'System',
  capabilities: 'Capability',
  integrations: 'Integration',
  metrics: 'Metric',
  initiatives: 'Initiative',
}

/** The 404 of a row that is missing from the actor's workspace (missing and foreign look the same). */
export async function requireRow(actor: Actor, table: VersionedTable, ref: { id: string } | { key: string }): Promise<void> {
  // PostgreSQL text cannot hold a NUL: such a key names nothing, and must not reach the query.
  if (findNul('id' in ref ? ref.id : ref.key) !== null) throw notFound(NAMES[table])
  if ((await getRowVersion(getSql(), { table, workspaceId: actor.workspaceId, ...ref })) === null) throw notFound(NAMES[table])
}
