import type { Db } from '../client.ts'
import { keysetAfter, microsOf, type Keyset } from './api-conventions.ts'
import type { NarrativeStatus } from '#app/domain/policies.ts'

export interface ReviewRow {
  id: string
  narrativeId: string
  requestedBy: string
  requestedByName: string
  dueDate: string | null
  versionId: string
  status: 'open' | 'approved' | 'cancelled'
  approvedVersionId: string | null
  createdAt: Date
  closedAt: Date | null
}

export interface ApproverRow {
  userId: string
  name: string
  email: string
  decision: 'approve' | 'changes' | null
  note: string
  decidedAt: Date | null
  versionId: string | null
}

const reviewColumns = (db: Db) => db`
  r.id, r.narrative_id as "narrativeId", r.requested_by as "requestedBy", u.name as "requestedByName",
  to_char(r.due_date, 'YYYY-MM-DD') as "dueDate", r.version_id as "versionId", r.status,
  r.approved_version_id as "approvedVersionId", r.created_at as "createdAt", r.closed_at as "closedAt"`

/** Locks the narrative row (status, approved version) of the workspace for the rest of the transaction. */
export async function lockNarrativeForReview(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[{ id: string; status: NarrativeStatus; ownerId: string; title: string; approvedVersionId: string | null }?]>`
    select id, status, owner_id as "ownerId", title, approved_version_id as "approvedVersionId"
    from narratives where id = ${args.id} and workspace_id = ${args.workspaceId} for update`
  return row ?? null
}

/** The narrative's open review, or null; `lock` takes a row lock (approvers deciding at once queue on it). */
export async function getOpenReview(db: Db, args: { narrativeId: string; workspaceId: string; lock?: boolean }) {
  const [row] = await db<[ReviewRow?]>`
    select ${reviewColumns(db)}
    from narrative_reviews r join users u on u.id = r.requested_by
    where r.narrative_id = ${args.narrativeId} and r.workspace_id = ${args.workspaceId} and r.status = 'open'
    ${args.lock ? db`for update of r` : db``}`
  return row ?? null
}

/** The narrative's latest review (open or closed), or null. */
export async function getLatestReview(db: Db, args: { narrativeId: string; workspaceId: string }) {
  const [row] = await db<[ReviewRow?]>`
    select ${reviewColumns(db)}
    from narrative_reviews r join users u on u.id = r.requested_by
    where r.narrative_id = ${args.narrativeId} and r.workspace_id = ${args.workspaceId}
    order by r.created_at desc limit 1`
  return row ?? null
}

export async function insertReview(
  db: Db,
  args: { workspaceId: string; narrativeId: string; requestedBy: string; dueDate: string | null; versionId: string; approverIds: string[] },
) {
  const [row] = await db<[{ id: string }]>`
    insert into narrative_reviews (workspace_id, narrative_id, requested_by, due_date, version_id)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.requestedBy}, ${args.dueDate}, ${args.versionId})
    returning id`
  await db`insert into review_approvers (review_id, user_id, position)
    select ${row.id}, a.id, a.n from unnest(${args.approverIds}::uuid[]) with ordinality as a (id, n)`
  return row.id
}

/** Puts a new version under review and clears every decision (they were made on other text). */
export async function resetReviewVersion(db: Db, args: { reviewId: string; versionId: string }) {
  await db`update narrative_reviews set version_id = ${args.versionId} where id = ${args.reviewId}`
  await db`update review_approvers set decision = null, note = '', decided_at = null, version_id = null
    where review_id = ${args.reviewId}`
}

export async function listApprovers(db: Db, reviewId: string) {
  return db<ApproverRow[]>`
    select a.user_id as "userId", u.name, u.email, a.decision, a.note, a.decided_at as "decidedAt", a.version_id as "versionId"
    from review_approvers a join users u on u.id = a.user_id
    where a.review_id = ${reviewId} order by a.position, u.name`
}

/** Records one approver's decision on a version; false when they are not an approver of the review. */
export async function setDecision(
  db: Db,
  args: { reviewId: string; userId: string; decision: 'approve' | 'changes'; note: string; versionId: string },
) {
  const rows = await db`update review_approvers
    set decision = ${args.decision}, note = ${args.note}, decided_at = now(), version_id = ${args.versionId}
    where review_id = ${args.reviewId} and user_id = ${args.userId} returning 1`
  return rows.length > 0
}

export async function closeReview(db: Db, args: { reviewId: string; status: 'approved' | 'cancelled'; approvedVersionId?: string | null }) {
  await db`update narrative_reviews set status = ${args.status}, approved_version_id = ${args.approvedVersionId ?? null},
    closed_at = now() where id = ${args.reviewId}`
}

/** An approved narrative edited since becomes a draft revision again; false when it was not approved (any more). */
export async function reopenApprovedAsDraft(db: Db, narrativeId: string): Promise<boolean> {
  const rows = await db`update narratives set status = 'draft' where id = ${narrativeId} and status = 'approved' returning id`
  return rows.length > 0
}

/** Sets the narrative's status (and, when approving, the version leadership reads). */
export async function setNarrativeReviewState(db: Db, args: { id: string; status: NarrativeStatus; approvedVersionId?: string }) {
  if (args.approvedVersionId) {
    await db`update narratives set status = ${args.status}, approved_version_id = ${args.approvedVersionId}, approved_at = now()
      where id = ${args.id}`
  } else {
    await db`update narratives set status = ${args.status} where id = ${args.id}`
  }
}

/** Unresolved comment threads of the narrative marked blocking. */
export async function listBlockingThreads(db: Db, args: { narrativeId: string; workspaceId: string }) {
  return db<{ id: string; quote: string }[]>`
    select id, quote from comment_threads
    where narrative_id = ${args.narrativeId} and workspace_id = ${args.workspaceId} and blocking and resolved_at is null
    order by created_at`
}

// ---------- audit trail ----------

export type NarrativeEventKind =
  | 'review_requested'
  | 'review_reset'
  | 'approved'
  | 'changes_requested'
  | 'published'
  | 'exported'
  | 'version_saved'
  | 'restored'
  | 'acknowledged'
  | 'review_cancelled'

export interface NarrativeEventRow {
  id: string
  kind: NarrativeEventKind
  actorId: string | null
  actorName: string | null
  versionId: string | null
  versionNumber: number | null
  detail: Record<string, unknown>
  createdAt: Date
}

export async function insertEvent(
  db: Db,
  args: {
    workspaceId: string
    narrativeId: string
    actorId: string | null
    kind: NarrativeEventKind
    versionId?: string | null
    detail?: Record<string, unknown>
  },
) {
  await db`insert into narrative_events (workspace_id, narrative_id, actor_id, kind, version_id, detail)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.actorId}, ${args.kind}, ${args.versionId ?? null}, ${db.json((args.detail ?? {}) as never)})`
}

/** The narrative's audit trail, newest first. */
export async function listEvents(db: Db, args: { narrativeId: string; workspaceId: string; limit?: number }, page?: Keyset) {
  return db<(NarrativeEventRow & { sortMicros: string })[]>`
    select ${microsOf(db, 'e.created_at')} as "sortMicros", e.id, e.kind, e.actor_id as "actorId", u.name as "actorName", e.version_id as "versionId",
      v.number as "versionNumber", e.detail, e.created_at as "createdAt"
    from narrative_events e left join users u on u.id = e.actor_id left join narrative_versions v on v.id = e.version_id
    where e.narrative_id = ${args.narrativeId} and e.workspace_id = ${args.workspaceId}
      ${keysetAfter(db, page, { time: 'e.created_at', id: 'e.id', timeDesc: true, idDesc: true })}
    order by e.created_at desc, e.id desc
    limit ${page ? page.limit + 1 : (args.limit ?? 200)}`
}

// ---------- leadership library and reads ----------

export interface ApprovedRow {
  id: string
  title: string
  status: NarrativeStatus
  ownerName: string
  approvedVersionId: string
  versionNumber: number
  approvedAt: Date
  approvers: string[]
  /** The start of the approved version's text (never the draft's). */
  excerpt: string
}

/** Narratives with an approved version, newest approval first, with who approved it. */
export async function listApproved(db: Db, workspaceId: string) {
  return db<ApprovedRow[]>`
    select n.id, n.title, n.status, o.name as "ownerName", n.approved_version_id as "approvedVersionId",
      v.number as "versionNumber", v.created_at as "approvedAt", left(v.text, 2000) as excerpt,
      coalesce((select array_agg(u.name order by a.position, u.name) from narrative_reviews r
        join review_approvers a on a.review_id = r.id join users u on u.id = a.user_id
        where r.approved_version_id = v.id), '{}') as approvers
    from narratives n join narrative_versions v on v.id = n.approved_version_id join users o on o.id = n.owner_id
    where n.workspace_id = ${workspaceId} and n.status <> 'archived'
    order by v.created_at desc
    limit 500`
}

/** The approvers (with their notes and times) of an approved version. */
export async function listApprovalsOf(db: Db, versionId: string) {
  return db<{ name: string; decidedAt: Date; note: string }[]>`
    select u.name, a.decided_at as "decidedAt", a.note
    from narrative_reviews r join review_approvers a on a.review_id = r.id join users u on u.id = a.user_id
    where r.approved_version_id = ${versionId} order by a.position, u.name`
}

/** Records that `userId` acknowledged reading `versionId` (replacing an earlier acknowledgement). */
export async function upsertRead(db: Db, args: { narrativeId: string; userId: string; versionId: string }) {
  await db`insert into narrative_reads (narrative_id, user_id, version_id, acknowledged_at)
    values (${args.narrativeId}, ${args.userId}, ${args.versionId}, now())
    on conflict (narrative_id, user_id) do update set version_id = excluded.version_id, acknowledged_at = now()`
}

export async function getRead(db: Db, args: { narrativeId: string; userId: string }) {
  const [row] = await db<[{ versionId: string; versionNumber: number; acknowledgedAt: Date }?]>`
    select r.version_id as "versionId", v.number as "versionNumber", r.acknowledged_at as "acknowledgedAt"
    from narrative_reads r join narrative_versions v on v.id = r.version_id
    where r.narrative_id = ${args.narrativeId} and r.user_id = ${args.userId}`
  return row ?? null
}

/** Who acknowledged which version of the narrative, most recent first. */
export async function listReads(db: Db, narrativeId: string) {
  return db<{ userId: string; name: string; versionId: string; versionNumber: number; acknowledgedAt: Date }[]>`
    select r.user_id as "userId", u.name, r.version_id as "versionId", v.number as "versionNumber", r.acknowledged_at as "acknowledgedAt"
    from narrative_reads r join users u on u.id = r.user_id join narrative_versions v on v.id = r.version_id
    where r.narrative_id = ${narrativeId} order by r.acknowledged_at desc`
}

/** Narratives of the workspace with an open review (for the collab hook: which to check on edit). */
export async function getReviewState(db: Db, narrativeId: string) {
  const [row] = await db<[{ workspaceId: string; status: NarrativeStatus; approvedThroughSeq: number | null; title: string }?]>`
    select n.workspace_id as "workspaceId", n.status, v.through_seq::float8 as "approvedThroughSeq", n.title
    from narratives n left join narrative_versions v on v.id = n.approved_version_id
    where n.id = ${narrativeId}`
  return row ?? null
}
