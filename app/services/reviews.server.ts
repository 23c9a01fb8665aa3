import type { Keyset } from '#db/queries/api-conventions.ts'
import { SANITIZER_VERSION, sanitizeNarrativeHtml } from '#app/document/sanitize.ts'
import { getSql, type Db, type Sql } from '#db/client.ts'
import * as reviews from '#db/queries/reviews.ts'
import * as versionQueries from '#db/queries/versions.ts'
import { listMembers } from '#db/queries/workspaces.ts'
import { getNarrativeWithApproved } from '#db/queries/narratives.ts'
import { conflict, forbidden, invalid, notFound, AppError } from '#app/domain/errors.ts'
import {
  approverPolicyReasons,
  DEFAULT_APPROVAL_POLICY,
  driftOf,
  evaluateGate,
  isVersionStale,
  reviewOutcome,
  type GateResult,
} from '#app/domain/approval.ts'
import { formatValue, HEALTH_LABELS } from '#app/domain/metrics.ts'
import {
  canBeApprover,
  canManageNarrative,
  canReadApprovedVersion,
  canRequestReview,
  canSeeWorkingMaterial,
  type Actor,
} from '#app/domain/policies.ts'
import type { DecisionInput, RequestReviewInput } from '#app/schemas/reviews.ts'
import type { AuditAction } from '#app/domain/audit.ts'
import { bus } from '#app/events/bus.ts'
import { liveDocuments } from '#app/document/live.ts'
import { accessChanged } from './access.server.ts'
import { getNarrativeFeasibility } from './feasibility.server.ts'
import { listCommitmentValues } from '#app/services/metrics/commitments.server.ts'
import { getNarrativeFor } from './narratives.server.ts'
import { recordAudit } from './audit.server.ts'
import { notify } from './notifications.server.ts'
import { currentSnapshot, diffTexts, storeVersion } from './versions.server.ts'

const published = (workspaceId: string, narrativeId: string) => {
  bus.publish({ type: 'review.changed', workspaceId, narrativeId })
  bus.publish({ type: 'narrative.changed', workspaceId, narrativeId })
}

/** Readers' only write is acknowledging an approved version (403 before anything is looked up). */
export function assertNotReader(actor: Actor) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers can only acknowledge approved narratives')
}

// ---------- the gate ----------

/** The approval checklist of a narrative now (feasibility, MOps assessments, commitments, blocking threads). */
export async function getApprovalGate(actor: Actor, narrativeId: string): Promise<GateResult> {
  const feasibility = await getNarrativeFeasibility(actor, narrativeId)
  const [commitments, blocking] = await Promise.all([
    listCommitmentValues(getSql(), actor.workspaceId, narrativeId),
    reviews.listBlockingThreads(getSql(), { narrativeId, workspaceId: actor.workspaceId }),
  ])
  return evaluateGate({
    requirements: feasibility.requirements.map((r) => ({
      id: r.id,
      summary: r.summary,
      status: r.status,
      assessed: r.assessment !== null && !r.assessment.stale,
    })),
    commitments: commitments.length,
    blockingThreads: blocking,
  })
}

/** The evidence frozen with an approved version: feasibility as approved and metric values at that moment. */
async function buildEvidence(actor: Actor, narrativeId: string) {
  const feasibility = await getNarrativeFeasibility(actor, narrativeId)
  const commitments = await listCommitmentValues(getSql(), actor.workspaceId, narrativeId)
  return {
    frozenAt: new Date().toISOString(),
    feasibility: {
      overall: feasibility.overall,
      requirements: feasibility.requirements.map((r) => ({
        id: r.id,
        summary: r.summary,
        status: r.status,
        reasons: r.reasons.map((x) => x.message),
        assessment: r.assessment
          ? { decision: r.assessment.decision, effort: r.assessment.effort, note: r.assessment.note, by: r.assessment.assessedBy.name }
          : null,
      })),
    },
    metrics: commitments.map((c) => ({
      commitmentId: c.id,
      key: c.metric.key,
      name: c.metric.name,
      unit: c.metric.unit,
      currency: c.metric.currency,
      baseline: c.baseline,
      target: c.target,
      dueOn: c.dueOn,
      value: c.current,
      period: c.currentPeriod,
      health: c.health,
    })),
  }
}

export type Evidence = Awaited<ReturnType<typeof buildEvidence>>

// ---------- audit trail ----------

/** The narrative events that are also security events (issue 9): owners see them in Settings → Audit log. */
const AUDITED_EVENTS: Partial<Record<reviews.NarrativeEventKind, AuditAction>> = {
  review_requested: 'narrative.review_requested',
  approved: 'narrative.approved',
  changes_requested: 'narrative.changes_requested',
  published: 'narrative.published',
  exported: 'export.downloaded',
}

/**
 * Records an event in the narrative's audit trail and, for review requests, decisions,
 * publications and exports, in the workspace audit log too — with the caller's transaction, so
 * both commit or neither does.
 */
async function recordNarrativeEvent(tx: Db, event: Parameters<typeof reviews.insertEvent>[1], title: string) {
  await reviews.insertEvent(tx, event)
  const action = AUDITED_EVENTS[event.kind]
  if (!action) return
  await recordAudit(tx, {
    workspaceId: event.workspaceId,
    actorId: event.actorId,
    action,
    target: title,
    meta: { narrativeId: event.narrativeId, versionId: event.versionId ?? null, ...event.detail },
  })
}

// ---------- review requests ----------

/** Sends the narrative to review by named approvers: snapshots the text, notifies them. */
export async function requestReview(actor: Actor, narrativeId: string, input: RequestReviewInput) {
  assertNotReader(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canRequestReview(actor, narrative)) throw forbidden('Only owners and editors can send a narrative to review')
  const sql = getSql()
  const members = new Map((await listMembers(sql, actor.workspaceId)).map((m) => [m.userId, m]))
  const wrong = input.approverIds.filter((id) => !members.has(id) || !canBeApprover(members.get(id)!))
  if (wrong.length) throw invalid('Some approvers cannot approve', { approverIds: ['Approvers must be members who are not readers'] })
  const reasons = approverPolicyReasons(DEFAULT_APPROVAL_POLICY, {
    approverIds: input.approverIds,
    eligible: [...members.values()].filter(canBeApprover),
  })
  if (reasons.length) throw invalid(`The approvers do not meet the approval policy: ${reasons.join('; ')}`, { approverIds: reasons })
  const snapshot = await currentSnapshot(sql, narrative.id)
  let after = () => {}
  const result = await sql.begin(async (tx) => {
    const locked = await reviews.lockNarrativeForReview(tx, { id: narrative.id, workspaceId: actor.workspaceId })
    if (!locked) throw notFound('Narrative')
    if (await reviews.getOpenReview(tx, { narrativeId: narrative.id, workspaceId: actor.workspaceId })) {
      throw conflict('The narrative is already in review; cancel that review to start another')
    }
    const version = await storeVersion(tx, { narrativeId: narrative.id, kind: 'review', snapshot, createdBy: actor.userId })
    const reviewId = await reviews.insertReview(tx, {
      workspaceId: actor.workspaceId,
      narrativeId: narrative.id,
      requestedBy: actor.userId,
      dueDate: input.dueDate ?? null,
      versionId: version.id,
      approverIds: input.approverIds,
    })
    await reviews.setNarrativeReviewState(tx, { id: narrative.id, status: 'in_review' })
    await recordNarrativeEvent(
      tx,
      {
        workspaceId: actor.workspaceId,
        narrativeId: narrative.id,
        actorId: actor.userId,
        kind: 'review_requested',
        versionId: version.id,
        detail: { approvers: input.approverIds.map((id) => members.get(id)!.name), dueDate: input.dueDate ?? null },
      },
      narrative.title,
    )
    after = await notify(
      tx,
      input.approverIds.map((userId) => ({
        workspaceId: actor.workspaceId,
        userId,
        kind: 'review' as const,
        actorId: actor.userId,
        narrativeId: narrative.id,
        excerpt: `asked you to approve “${narrative.title}”${input.dueDate ? ` by ${input.dueDate}` : ''}`,
      })),
    )
    return { reviewId, versionId: version.id, versionNumber: version.number }
  })
  after()
  published(actor.workspaceId, narrative.id)
  accessChanged({ workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return result
}

/** Withdraws the open review; the narrative is a draft again. */
export async function cancelReview(actor: Actor, narrativeId: string) {
  assertNotReader(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canRequestReview(actor, narrative)) throw forbidden('Only owners and editors can cancel a review')
  await getSql().begin(async (tx) => {
    const review = await reviews.getOpenReview(tx, { narrativeId: narrative.id, workspaceId: actor.workspaceId, lock: true })
    if (!review) throw conflict('The narrative has no open review')
    await reviews.closeReview(tx, { reviewId: review.id, status: 'cancelled' })
    await reviews.setNarrativeReviewState(tx, { id: narrative.id, status: 'draft' })
    await reviews.insertEvent(tx, {
      workspaceId: actor.workspaceId,
      narrativeId: narrative.id,
      actorId: actor.userId,
      kind: 'review_cancelled',
    })
  })
  published(actor.workspaceId, narrative.id)
  accessChanged({ workspaceId: actor.workspaceId, narrativeId: narrative.id })
}

/**
 * Puts the current text under review in place of a stale version and clears every decision (they
 * were made on other text); inside the caller's transaction, which holds the review's row lock.
 * Returns the new version and who to tell.
 */
async function replaceStaleVersion(
  tx: Db,
  args: { workspaceId: string; narrativeId: string; review: reviews.ReviewRow; actorId: string | null },
) {
  const snapshot = await currentSnapshot(tx, args.narrativeId)
  const version = await storeVersion(tx, { narrativeId: args.narrativeId, kind: 'review', snapshot, createdBy: args.actorId })
  const approvers = await reviews.listApprovers(tx, args.review.id)
  await reviews.resetReviewVersion(tx, { reviewId: args.review.id, versionId: version.id })
  await reviews.insertEvent(tx, {
    workspaceId: args.workspaceId,
    narrativeId: args.narrativeId,
    actorId: args.actorId,
    kind: 'review_reset',
    versionId: version.id,
    detail: { reset: approvers.filter((a) => a.decision !== null).map((a) => a.name) },
  })
  return { version, decided: approvers.filter((a) => a.decision !== null) }
}

/**
 * Called after edits are committed (the collaboration server's derive step): an edit during review
 * puts the new text under review and resets the approvals; an edit after approval makes the
 * narrative a draft revision again (leadership keeps reading the approved version).
 */
export async function noteNarrativeEdited(db: Sql, narrativeId: string) {
  const state = await reviews.getReviewState(db, narrativeId)
  if (!state || (state.status !== 'in_review' && state.status !== 'approved')) return
  const latest = await versionQueries.getLatestSeq(db, narrativeId)
  if (state.status === 'approved') {
    if (state.approvedThroughSeq !== null && latest > state.approvedThroughSeq) {
      if (await reviews.reopenApprovedAsDraft(db, narrativeId)) {
        published(state.workspaceId, narrativeId)
        // Readers opened it while it was approved: they must not follow the new draft live.
        accessChanged({ workspaceId: state.workspaceId, narrativeId })
      }
    }
    return
  }
  let after = () => {}
  const reset = await db.begin(async (tx) => {
    const review = await reviews.getOpenReview(tx, { narrativeId, workspaceId: state.workspaceId, lock: true })
    if (!review) return false
    const version = await versionQueries.getVersion(tx, { id: review.versionId, narrativeId, workspaceId: state.workspaceId })
    if (!version || !isVersionStale(version, await versionQueries.getLatestSeq(tx, narrativeId))) return false
    const { decided } = await replaceStaleVersion(tx, { workspaceId: state.workspaceId, narrativeId, review, actorId: null })
    after = await notify(
      tx,
      decided.map((a) => ({
        workspaceId: state.workspaceId,
        userId: a.userId,
        kind: 'review' as const,
        actorId: review.requestedBy,
        narrativeId,
        excerpt: `“${state.title}” changed during review: your decision was reset, please review the new text`,
      })),
    )
    return true
  })
  after()
  if (reset) published(state.workspaceId, narrativeId)
}

/**
 * An approver's decision on the version under review. A decision on text that is no longer current
 * is refused (409 with `currentVersionId`); approving needs the gate to pass (409 with the reasons).
 * Approvers deciding at the same moment queue on the review's row lock, so each counts exactly
 * once and the version is frozen exactly once, when the last approval lands.
 */
export async function decideReview(actor: Actor, narrativeId: string, input: DecisionInput) {
  assertNotReader(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  const sql = getSql()
  if (input.decision === 'approve') {
    const gate = await getApprovalGate(actor, narrative.id)
    if (!gate.passed) throw conflict(`The approval checklist does not pass: ${gate.reasons.join('; ')}`, { gate: gate.reasons })
  }
  await liveDocuments()?.flush?.(narrative.id)
  const evidence = input.decision === 'approve' ? await buildEvidence(actor, narrative.id) : null
  let after = () => {}
  const outcome = await sql.begin(async (tx) => {
    const review = await reviews.getOpenReview(tx, { narrativeId: narrative.id, workspaceId: actor.workspaceId, lock: true })
    if (!review) throw conflict('The narrative has no open review')
    const approvers = await reviews.listApprovers(tx, review.id)
    if (!approvers.some((a) => a.userId === actor.userId)) throw forbidden('You are not an approver of this review')
    const version = await versionQueries.getVersion(tx, { id: review.versionId, narrativeId: narrative.id, workspaceId: actor.workspaceId })
    if (!version) throw notFound('Version')
    if (isVersionStale(version, await versionQueries.getLatestSeq(tx, narrative.id))) {
      const { version: fresh, decided } = await replaceStaleVersion(tx, {
        workspaceId: actor.workspaceId,
        narrativeId: narrative.id,
        review,
        actorId: null,
      })
      after = await notify(
        tx,
        decided.map((a) => ({
          workspaceId: actor.workspaceId,
          userId: a.userId,
          kind: 'review' as const,
          actorId: actor.userId,
          narrativeId: narrative.id,
          excerpt: `“${narrative.title}” changed during review: your decision was reset`,
        })),
      )
      return { stale: true as const, currentVersionId: fresh.id }
    }
    if (input.versionId && input.versionId !== version.id) return { stale: true as const, currentVersionId: version.id }
    await reviews.setDecision(tx, {
      reviewId: review.id,
      userId: actor.userId,
      decision: input.decision,
      note: input.note,
      versionId: version.id,
    })
    await recordNarrativeEvent(
      tx,
      {
        workspaceId: actor.workspaceId,
        narrativeId: narrative.id,
        actorId: actor.userId,
        kind: input.decision === 'approve' ? 'approved' : 'changes_requested',
        versionId: version.id,
        detail: input.note ? { note: input.note } : {},
      },
      narrative.title,
    )
    const decisions = (await reviews.listApprovers(tx, review.id)).map((a) => a.decision)
    const result = reviewOutcome(decisions)
    const owner = narrative.ownerId
    let approvedVersionId: string | null = null
    if (result === 'approved') {
      const state = await versionQueries.getVersionState(tx, { id: version.id, narrativeId: narrative.id })
      const frozen = await versionQueries.insertVersion(tx, {
        narrativeId: narrative.id,
        kind: 'approved',
        state: state!,
        throughSeq: version.throughSeq,
        html: sanitizeNarrativeHtml(version.html),
        htmlSanitizer: SANITIZER_VERSION,
        text: version.text,
        wordCount: version.wordCount,
        evidence,
        createdBy: actor.userId,
      })
      approvedVersionId = frozen!.id
      await reviews.closeReview(tx, { reviewId: review.id, status: 'approved', approvedVersionId })
      await reviews.setNarrativeReviewState(tx, { id: narrative.id, status: 'approved', approvedVersionId })
      await recordNarrativeEvent(
        tx,
        {
          workspaceId: actor.workspaceId,
          narrativeId: narrative.id,
          actorId: actor.userId,
          kind: 'published',
          versionId: approvedVersionId,
          detail: { version: frozen!.number },
        },
        narrative.title,
      )
    }
    after = await notify(tx, [
      {
        workspaceId: actor.workspaceId,
        userId: owner,
        kind: 'review',
        actorId: actor.userId,
        narrativeId: narrative.id,
        excerpt:
          result === 'approved'
            ? `approved “${narrative.title}”: it is published to the Approved library`
            : input.decision === 'approve'
              ? `approved “${narrative.title}”`
              : `requested changes to “${narrative.title}”${input.note ? `: ${input.note}` : ''}`,
      },
    ])
    return { stale: false as const, outcome: result, versionId: version.id, approvedVersionId }
  })
  after()
  published(actor.workspaceId, narrative.id)
  if (!outcome.stale && outcome.outcome === 'approved') accessChanged({ workspaceId: actor.workspaceId, narrativeId: narrative.id })
  if (outcome.stale) {
    throw new AppError(
      409,
      'The text changed since this version was put under review; read the current version and decide again',
      undefined,
      undefined,
      {
        currentVersionId: outcome.currentVersionId,
      },
    )
  }
  return outcome
}

/** The review panel: the open (or last) review, its approvers and the checklist. */
export async function getReviewPanelFor(actor: Actor, narrativeId: string) {
  assertNotReader(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  const sql = getSql()
  const [review, gate, members, events, reads] = await Promise.all([
    reviews.getLatestReview(sql, { narrativeId: narrative.id, workspaceId: actor.workspaceId }),
    getApprovalGate(actor, narrative.id),
    listMembers(sql, actor.workspaceId),
    reviews.listEvents(sql, { narrativeId: narrative.id, workspaceId: actor.workspaceId, limit: 50 }),
    reviews.listReads(sql, narrative.id),
  ])
  const approvers = review ? await reviews.listApprovers(sql, review.id) : []
  const version = review
    ? await versionQueries.getVersion(sql, { id: review.versionId, narrativeId: narrative.id, workspaceId: actor.workspaceId })
    : null
  const latest = await versionQueries.getLatestSeq(sql, narrative.id)
  const me = approvers.find((a) => a.userId === actor.userId)
  const open = review?.status === 'open'
  return {
    narrative,
    review: review && { ...review, versionNumber: version?.number ?? null, outcome: reviewOutcome(approvers.map((a) => a.decision)) },
    approvers,
    gate,
    /** Edits were committed after the version under review (the next decision puts them under review). */
    stale: open && version ? isVersionStale(version, latest) : false,
    candidates: members.filter(canBeApprover).map((m) => ({ userId: m.userId, name: m.name, function: m.function, role: m.role })),
    events,
    reads,
    can: {
      request: canRequestReview(actor, narrative) && !open,
      cancel: canRequestReview(actor, narrative) && open,
      decide: open && me !== undefined,
      approve: open && me !== undefined && gate.passed,
    },
  }
}

/** The narrative's audit trail (API). */
export async function listAuditFor(actor: Actor, narrativeId: string, page?: Keyset) {
  assertNotReader(actor)
  const narrative = await getNarrativeFor(actor, narrativeId)
  return reviews.listEvents(getSql(), { narrativeId: narrative.id, workspaceId: actor.workspaceId }, page)
}

/** Records an export of an approved version in the narrative's trail and the workspace audit log. */
export async function recordExport(actor: Actor, narrativeId: string, versionId: string, format: string) {
  await getSql().begin(async (tx) => {
    const narrative = await getNarrativeWithApproved(tx, { id: narrativeId, workspaceId: actor.workspaceId })
    if (!narrative) throw notFound('Narrative')
    await recordNarrativeEvent(
      tx,
      { workspaceId: actor.workspaceId, narrativeId, actorId: actor.userId, kind: 'exported', versionId, detail: { format } },
      narrative.title,
    )
  })
}

// ---------- leadership library and reading view ----------

/** The Approved library: narratives with an approved version, newest approval first. */
export async function listApprovedFor(actor: Actor) {
  const rows = await reviews.listApproved(getSql(), actor.workspaceId)
  return rows.map((r) => ({ ...r, excerpt: excerptOfApproved(r.excerpt) }))
}

/** The first paragraph of an approved text (blocks are separated by blank lines; short ones are headings), cut at a word. */
function excerptOfApproved(text: string): string {
  const block = text.split(/\n{2,}/).find((b) => b.trim().length > 80) ?? text
  const flat = block.replace(/\s+/g, ' ').trim()
  if (flat.length <= 240) return flat
  const cut = flat.slice(0, 240)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 120))}…`
}

/** A narrative whose approved version the actor may read (every member; 404 when none is approved). */
async function getApprovedNarrativeFor(actor: Actor, narrativeId: string) {
  const narrative = await getNarrativeWithApproved(getSql(), { id: narrativeId, workspaceId: actor.workspaceId })
  if (!narrative) throw notFound('Approved narrative')
  const approvedVersionId = narrative.approvedVersionId
  if (!canReadApprovedVersion(actor, { approvedVersionId }) || narrative.status === 'archived') throw notFound('Approved narrative')
  return { narrative, approvedVersionId: approvedVersionId! }
}

/**
 * The reading view: the frozen HTML of the approved version (or of an older approved version),
 * its approvals, its evidence with each committed metric approved versus now, and the reader's
 * last acknowledged version ("what changed since you last read").
 */
export async function getReadingViewFor(actor: Actor, narrativeId: string, opts: { versionId?: string } = {}) {
  const { narrative, approvedVersionId } = await getApprovedNarrativeFor(actor, narrativeId)
  const sql = getSql()
  const versionId = opts.versionId ?? approvedVersionId
  // After the authorization above, everything else in parallel: the version (then its content and
  // approvals) alongside the reader's state and the metrics now, so the page waits for the longest
  // chain of round trips rather than their sum.
  const versionPart = versionQueries
    .getVersionMeta(sql, { id: versionId, narrativeId: narrative.id, workspaceId: actor.workspaceId })
    .then(async (meta) => {
      if (!meta || meta.kind !== 'approved') throw notFound('Approved version')
      const [content, approvals] = await Promise.all([versionContent(meta.id), reviews.listApprovalsOf(sql, meta.id)])
      return { meta, content, approvals }
    })
  const [{ meta, content, approvals }, now, read, reads, allVersions] = await Promise.all([
    versionPart,
    listCommitmentValues(sql, actor.workspaceId, narrative.id),
    reviews.getRead(sql, { narrativeId: narrative.id, userId: actor.userId }),
    canManageNarrative(actor) || narrative.ownerId === actor.userId ? reviews.listReads(sql, narrative.id) : Promise.resolve(null),
    versionQueries.listVersions(sql, { narrativeId: narrative.id, workspaceId: actor.workspaceId }),
  ])
  const version = { ...meta, ...content }
  const evidence = (version.evidence ?? { feasibility: { overall: 'pass', requirements: [] }, metrics: [] }) as Evidence
  const nowById = new Map(now.map((c) => [c.id, c]))
  const metrics = evidence.metrics.map((m) => {
    const current = nowById.get(m.commitmentId)
    const valueNow = current?.current ?? null
    const fmt = (v: number | null) => formatValue(v, m.unit as never, { currency: m.currency })
    return {
      ...m,
      approvedText: fmt(m.value),
      nowText: fmt(valueNow),
      targetText: fmt(m.target),
      healthLabel: HEALTH_LABELS[m.health as keyof typeof HEALTH_LABELS] ?? m.health,
      drift: driftOf(m.value, valueNow),
      driftText: m.value !== null && valueNow !== null ? `${valueNow - m.value >= 0 ? '+' : '−'}${fmt(Math.abs(valueNow - m.value))}` : '—',
    }
  })
  let changes: { since: { versionId: string; versionNumber: number; acknowledgedAt: Date }; parts: ReturnType<typeof diffTexts> } | null =
    null
  if (read && read.versionId !== approvedVersionId && version.id === approvedVersionId) {
    const old = await versionContent(read.versionId)
    changes = { since: read, parts: diffTexts(old.text, version.text) }
  }
  const approvedVersions = allVersions.filter((v) => v.kind === 'approved')
  return {
    narrative: { id: narrative.id, title: narrative.title, status: narrative.status, ownerName: narrative.ownerName },
    version,
    isCurrent: version.id === approvedVersionId,
    approvedVersions,
    approvals,
    evidence: { frozenAt: evidence.frozenAt, feasibility: evidence.feasibility, metrics },
    read,
    acknowledgedCurrent: read?.versionId === approvedVersionId,
    changes,
    reads,
    can: { acknowledge: version.id === approvedVersionId, seeWorking: canSeeWorkingMaterial(actor) },
  }
}

/**
 * The HTML and text of a version, kept in memory: versions are immutable, so a cached copy is never
 * stale, and the reading view does not pull hundreds of kilobytes from PostgreSQL on every request.
 */
const contentCache = new Map<string, { html: string; text: string }>()
const CONTENT_CACHE_SIZE = 64
async function versionContent(id: string) {
  const hit = contentCache.get(id)
  if (hit) {
    contentCache.delete(id)
    contentCache.set(id, hit)
    return hit
  }
  const row = await versionQueries.getVersionContent(getSql(), id)
  if (!row) throw notFound('Version')
  contentCache.set(id, row)
  if (contentCache.size > CONTENT_CACHE_SIZE) contentCache.delete(contentCache.keys().next().value!)
  return row
}

/** "I have read it": every member may acknowledge the current approved version (readers' only write). */
export async function acknowledgeApproved(actor: Actor, narrativeId: string) {
  const { narrative, approvedVersionId } = await getApprovedNarrativeFor(actor, narrativeId)
  await getSql().begin(async (tx) => {
    await reviews.upsertRead(tx, { narrativeId: narrative.id, userId: actor.userId, versionId: approvedVersionId })
    await reviews.insertEvent(tx, {
      workspaceId: actor.workspaceId,
      narrativeId: narrative.id,
      actorId: actor.userId,
      kind: 'acknowledged',
      versionId: approvedVersionId,
    })
  })
  bus.publish({ type: 'review.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return { versionId: approvedVersionId }
}

/** The approved version id of a narrative the actor may read (for exports). */
export async function getApprovedVersionIdFor(actor: Actor, narrativeId: string) {
  return (await getApprovedNarrativeFor(actor, narrativeId)).approvedVersionId
}
