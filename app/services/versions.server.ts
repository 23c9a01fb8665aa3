import { diffWords } from 'diff'
import { getSql, type Db } from '#db/client.ts'
import * as versions from '#db/queries/versions.ts'
import { insertEvent } from '#db/queries/reviews.ts'
import { appendNarrativeUpdateGroups, appendSeedUpdate } from '#db/queries/narrative-docs.ts'
import { getNarrativeAccess } from '#db/queries/narratives.ts'
import { conflict, forbidden, notFound } from '#app/domain/errors.ts'
import { canEditNarrative, canRepairNarrative, canSeeVersions, type Actor } from '#app/domain/policies.ts'
import { buildRestoreUpdate, buildTemplateUpdate, renderDocument, renderMarkdown, type RenderedDocument } from '#app/document/content.ts'
import { loadStoredSnapshot, v2ToV1, type StoredSnapshot } from '#app/document/snapshot.ts'
import { liveDocuments } from '#app/document/live.ts'
import { bus } from '#app/events/bus.ts'
import { getNarrativeFor } from './narratives.server.ts'
import { SANITIZER_VERSION, sanitizeNarrativeHtml } from '#app/document/sanitize.ts'
import { checkDocumentState } from '#app/document/update-check.ts'
import { buildRepairUpdate } from '#app/document/repair.ts'

const INVALID_CONTENT = 'This narrative has invalid content: an owner can repair it on its Versions page'
import type { VersionJson } from '#app/schemas/responses.ts'

export type { VersionKind } from '#db/queries/versions.ts'

/**
 * The narrative's current document as stored: what an open copy holds is committed first, and a
 * narrative that was never opened gets its template (as the collaboration server would).
 */
export async function currentSnapshot(db: Db, narrativeId: string): Promise<StoredSnapshot> {
  await liveDocuments()?.flush?.(narrativeId)
  const access = await getNarrativeAccess(db, narrativeId)
  if (access && !access.seeded) {
    await appendSeedUpdate(db, { narrativeId, update: () => buildTemplateUpdate(access.template) })
  }
  return loadStoredSnapshot(db, narrativeId)
}

/** Stores `snapshot` as a new immutable version of `kind`, rendered to HTML and text. */
export async function storeVersion(
  db: Db,
  args: {
    narrativeId: string
    kind: versions.VersionKind
    name?: string
    snapshot: StoredSnapshot
    createdBy: string | null
    evidence?: unknown
    /** The snapshot's rendered form when the caller already has it (one headless pass, not two). */
    rendered?: RenderedDocument
  },
) {
  // A document the schema refuses (written before the check existed) breaks Lexical: say so, not 500.
  if (checkDocumentState(args.snapshot.update)) throw conflict(INVALID_CONTENT)
  const rendered = args.rendered ?? renderDocument(args.snapshot.update)
  const row = await versions.insertVersion(db, {
    narrativeId: args.narrativeId,
    kind: args.kind,
    name: args.name,
    state: args.snapshot.stateV2,
    throughSeq: args.snapshot.throughSeq,
    html: rendered.html,
    htmlSanitizer: SANITIZER_VERSION,
    text: rendered.text,
    wordCount: rendered.wordCount,
    evidence: args.evidence,
    createdBy: args.createdBy,
  })
  if (!row) throw notFound('Narrative')
  return row
}

/**
 * An automatic checkpoint from the collaboration server (at most every few minutes while people
 * edit, and when the last editor leaves); skipped when nothing was committed since the last version.
 */
export async function storeCheckpoint(
  db: Db,
  args: {
    narrativeId: string
    workspaceId: string
    update: Uint8Array
    stateV2: Uint8Array
    throughSeq: number
    authorId: string | null
    rendered?: RenderedDocument
  },
) {
  const last = await versions.getLatestVersionMark(db, args.narrativeId)
  if (last && last.throughSeq >= args.throughSeq) return null
  const row = await storeVersion(db, {
    narrativeId: args.narrativeId,
    kind: 'checkpoint',
    snapshot: { update: args.update, stateV2: args.stateV2, throughSeq: args.throughSeq },
    createdBy: args.authorId,
    rendered: args.rendered,
  })
  bus.publish({ type: 'review.changed', workspaceId: args.workspaceId, narrativeId: args.narrativeId })
  return row
}

function assertCanSeeVersions(actor: Actor) {
  if (!canSeeVersions(actor)) throw forbidden('Readers see approved versions in the Approved library')
}

export function versionJson(v: versions.VersionListRow): VersionJson {
  return {
    id: v.id,
    number: v.number,
    kind: v.kind,
    name: v.name,
    wordCount: v.wordCount,
    createdBy: v.createdById ? { id: v.createdById, name: v.createdByName } : null,
    createdAt: v.createdAt.toISOString(),
  }
}

/** The narrative's versions, newest first (readers: 403; they read approved versions in the library). */
export async function listVersionsFor(actor: Actor, narrativeId: string) {
  assertCanSeeVersions(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  const rows = await versions.listVersions(getSql(), { narrativeId: narrative.id, workspaceId: actor.workspaceId })
  return { narrative, versions: rows, can: { save: canEditNarrative(actor, narrative), restore: canEditNarrative(actor, narrative) } }
}

/** One version with its HTML and text. Readers may open approved versions of narratives they can read in the library. */
export async function getVersionFor(actor: Actor, narrativeId: string, versionId: string) {
  const db = getSql()
  if (canSeeVersions(actor)) await getNarrativeFor(actor, narrativeId)
  const version = await versions.getVersion(db, { id: versionId, narrativeId, workspaceId: actor.workspaceId })
  if (!version) throw notFound('Version')
  if (!canSeeVersions(actor) && version.kind !== 'approved') throw notFound('Version')
  return version
}

/** A version as Markdown (rendered from its frozen Yjs state). */
export async function getVersionMarkdown(actor: Actor, narrativeId: string, versionId: string) {
  const version = await getVersionFor(actor, narrativeId, versionId)
  const state = await versions.getVersionState(getSql(), { id: version.id, narrativeId })
  if (!state) throw notFound('Version')
  return { version, markdown: renderMarkdown(v2ToV1(state)) }
}

/** Saves the current text as a named version. */
export async function saveNamedVersion(actor: Actor, narrativeId: string, name: string) {
  assertCanSeeVersions(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditNarrative(actor, narrative)) throw forbidden('Only owners and editors can save versions of this narrative')
  const sql = getSql()
  const snapshot = await currentSnapshot(sql, narrative.id)
  const row = await sql.begin(async (tx) => {
    const row = await storeVersion(tx, { narrativeId: narrative.id, kind: 'named', name, snapshot, createdBy: actor.userId })
    await insertEvent(tx, {
      workspaceId: actor.workspaceId,
      narrativeId: narrative.id,
      actorId: actor.userId,
      kind: 'version_saved',
      versionId: row.id,
      detail: { name },
    })
    return row
  })
  bus.publish({ type: 'review.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return row
}

/**
 * Restores an old version as a new edit: the change that turns the current text into the old one
 * goes through the collaboration server when the narrative is open here (so open clients see it
 * at once), else straight into the update log. History is never rewritten.
 */
export async function restoreVersion(actor: Actor, narrativeId: string, versionId: string) {
  assertCanSeeVersions(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditNarrative(actor, narrative)) throw forbidden('Only owners and editors can restore versions of this narrative')
  const sql = getSql()
  const target = await versions.getVersion(sql, { id: versionId, narrativeId: narrative.id, workspaceId: actor.workspaceId })
  const targetState = target && (await versions.getVersionState(sql, { id: target.id, narrativeId: narrative.id }))
  if (!target || !targetState) throw notFound('Version')
  const current = await currentSnapshot(sql, narrative.id)
  if (checkDocumentState(current.update)) throw conflict(INVALID_CONTENT)
  const update = buildRestoreUpdate(current.update, v2ToV1(targetState))
  const applied = (await liveDocuments()?.applyServerUpdate?.(narrative.id, update, actor.userId)) ?? false
  if (!applied) await appendNarrativeUpdateGroups(sql, [{ narrativeId: narrative.id, updates: [{ data: update, authorId: actor.userId }] }])
  const after = await currentSnapshot(sql, narrative.id)
  const row = await sql.begin(async (tx) => {
    const row = await storeVersion(tx, {
      narrativeId: narrative.id,
      kind: 'restore',
      name: `Restored v${target.number}`,
      snapshot: after,
      createdBy: actor.userId,
    })
    await insertEvent(tx, {
      workspaceId: actor.workspaceId,
      narrativeId: narrative.id,
      actorId: actor.userId,
      kind: 'restored',
      versionId: row.id,
      detail: { from: target.number },
    })
    return row
  })
  bus.publish({ type: 'review.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  bus.publish({ type: 'narrative.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return row
}

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/**
 * The word-level difference between two texts (jsdiff's diffWords: an O(ND) diff over words,
 * which reads like a track-changes view; whitespace-only changes are not shown as changes).
 */
export function diffTexts(from: string, to: string): DiffPart[] {
  return diffWords(from, to).map((part) => ({
    kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
    text: part.value,
  }))
}

/** The difference between two versions of a narrative (older first). */
export async function diffVersionsFor(actor: Actor, narrativeId: string, fromId: string, toId: string) {
  const [from, to] = await Promise.all([getVersionFor(actor, narrativeId, fromId), getVersionFor(actor, narrativeId, toId)])
  return { from, to, parts: diffTexts(from.text, to.text) }
}

/**
 * Passes every stored version's HTML that an older sanitizer (or none, before migration 00100)
 * produced through the current one; run at start, after the migrations. Returns how many rows it
 * rewrote. Batches keep memory flat; each row is its own statement, so a crash resumes where it stopped.
 */
export async function resanitizeStoredVersions(db: Db): Promise<number> {
  let done = 0
  for (;;) {
    const rows = await versions.listVersionsSanitizedBelow(db, { sanitizer: SANITIZER_VERSION, limit: 100 })
    if (rows.length === 0) return done
    for (const row of rows) {
      await versions.updateVersionHtml(db, { id: row.id, html: sanitizeNarrativeHtml(row.html), sanitizer: SANITIZER_VERSION })
    }
    done += rows.length
  }
}

/**
 * Why the current text needs repair (what the document schema refuses in it), or null when it
 * does not — asked for owners only, who alone may repair.
 */
export async function contentProblemFor(actor: Actor, narrativeId: string): Promise<string | null> {
  if (!canRepairNarrative(actor)) return null
  const narrative = await getNarrativeFor(actor, narrativeId)
  return checkDocumentState((await currentSnapshot(getSql(), narrative.id)).update)
}

/**
 * Owners: removes every block the document schema refuses from the current text (content a
 * crafted client wrote before the server checked updates), as a forward edit like a restore.
 * Returns how many top-level blocks were removed (0: nothing to repair).
 */
export async function repairNarrative(actor: Actor, narrativeId: string) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canRepairNarrative(actor)) throw forbidden('Only owners can repair a narrative')
  const sql = getSql()
  const current = await currentSnapshot(sql, narrative.id)
  const repair = buildRepairUpdate(current.update)
  if (!repair) return { dropped: 0 }
  const applied = (await liveDocuments()?.applyServerUpdate?.(narrative.id, repair.update, actor.userId)) ?? false
  if (!applied)
    await appendNarrativeUpdateGroups(sql, [{ narrativeId: narrative.id, updates: [{ data: repair.update, authorId: actor.userId }] }])
  bus.publish({ type: 'narrative.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return { dropped: repair.dropped }
}
