import { getSql } from '#db/client.ts'
import * as narratives from '#db/queries/narratives.ts'
import { forbidden, notFound } from '#app/domain/errors.ts'
import {
  canCreateNarrative,
  canEditNarrative,
  canManageNarrative,
  canComment,
  canReadNarrative,
  canSeeWorkingMaterial,
  type Actor,
  type NarrativeStatus,
} from '#app/domain/policies.ts'
import type { TemplateKey } from '#app/domain/templates.ts'
import { bus } from '#app/events/bus.ts'
import { accessChanged } from './access.server.ts'

/** Narratives of the actor's workspace that the actor may see, newest edit first. */
export async function listNarrativesFor(
  actor: Actor,
  filter: { status?: NarrativeStatus; owner?: string; q?: string },
  page?: narratives.Keyset,
) {
  return narratives.listNarratives(
    getSql(),
    {
      workspaceId: actor.workspaceId,
      status: filter.status,
      ownerId: filter.owner,
      q: filter.q || undefined,
      onlyApproved: !canSeeWorkingMaterial(actor),
    },
    page,
  )
}

/** A narrative the actor may read; missing, foreign and not-for-you are the same 404. */
export async function getNarrativeFor(actor: Actor, id: string) {
  const narrative = await narratives.getNarrative(getSql(), { id, workspaceId: actor.workspaceId })
  if (!narrative || !canReadNarrative(actor, narrative)) throw notFound('Narrative')
  return narrative
}

/** What the actor may do with a narrative, for the UI (which never re-derives policy). */
export function narrativeAbilities(actor: Actor, narrative: { status: NarrativeStatus }) {
  return {
    edit: canEditNarrative(actor, narrative),
    manage: canManageNarrative(actor),
    comment: canComment(actor),
  }
}

export async function createNarrative(actor: Actor, args: { title: string; template: TemplateKey }) {
  if (!canCreateNarrative(actor)) throw forbidden('Only owners and editors can create narratives')
  const row = await narratives.insertNarrative(getSql(), {
    workspaceId: actor.workspaceId,
    title: args.title,
    template: args.template,
    ownerId: actor.userId,
  })
  bus.publish({ type: 'narrative.changed', workspaceId: actor.workspaceId, narrativeId: row.id })
  return getNarrativeFor(actor, row.id)
}

export async function renameNarrative(actor: Actor, args: { id: string; title: string }) {
  await getNarrativeFor(actor, args.id)
  if (!canManageNarrative(actor)) throw forbidden('Only owners and editors can rename narratives')
  await narratives.updateNarrativeTitle(getSql(), { id: args.id, workspaceId: actor.workspaceId, title: args.title })
  bus.publish({ type: 'narrative.changed', workspaceId: actor.workspaceId, narrativeId: args.id })
}

/** Archive hides a narrative from the list and freezes its text; restore brings it back as a draft. */
export async function setNarrativeArchived(actor: Actor, args: { id: string; archived: boolean }) {
  await getNarrativeFor(actor, args.id)
  if (!canManageNarrative(actor)) throw forbidden('Only owners and editors can archive narratives')
  await narratives.updateNarrativeStatus(getSql(), {
    id: args.id,
    workspaceId: actor.workspaceId,
    status: args.archived ? 'archived' : 'draft',
  })
  bus.publish({ type: 'narrative.changed', workspaceId: actor.workspaceId, narrativeId: args.id })
  accessChanged({ workspaceId: actor.workspaceId, narrativeId: args.id })
}
