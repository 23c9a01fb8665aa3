import { getSql, type Db } from '#db/client.ts'
import * as comments from '#db/queries/comments.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import { forbidden, invalid, notFound } from '#app/domain/errors.ts'
import { canComment, canSeeWorkingMaterial, type Actor } from '#app/domain/policies.ts'
import { fromBase64, isRelativePosition, toBase64 } from '#app/document/anchors.ts'
import { getNarrativeFor } from './narratives.server.ts'
import { notify } from './notifications.server.ts'
import { bus } from '#app/events/bus.ts'
import type { NotificationInsert } from '#db/queries/notifications.ts'
import type { CommentIntent } from '#app/schemas/comments.ts'
import type { Keyset } from '#db/queries/api-conventions.ts'

export interface CommentView {
  id: string
  authorId: string
  authorName: string
  body: string
  createdAt: string
  editedAt: string | null
  mine: boolean
}

export interface ThreadView {
  id: string
  narrativeId: string | null
  initiativeId: string | null
  /** Yjs relative positions (base64) of the range's start and end; null on initiatives. */
  anchorStart: string | null
  anchorEnd: string | null
  quote: string
  resolved: boolean
  resolvedAt: string | null
  resolvedByName: string | null
  createdAt: string
  /** Holds back approval of the narrative until resolved. */
  blocking: boolean
  comments: CommentView[]
}

/**
 * The members a body mentions: `@` followed by a member's full name (or the part of their email
 * before the @), not followed by more letters. Longest names first, so "@Dana Lee" is not also
 * "@Dana". Anyone who is not a member is simply not found.
 */
export function findMentions(body: string, members: { userId: string; name: string; email: string }[]): string[] {
  const found = new Set<string>()
  const lower = body.toLowerCase()
  const candidates = members
    .flatMap((m) => [
      { userId: m.userId, handle: m.name.trim().toLowerCase() },
      { userId: m.userId, handle: m.email.split('@')[0]!.toLowerCase() },
    ])
    .filter((c) => c.handle.length > 0)
    .sort((a, b) => b.handle.length - a.handle.length)
  const taken: [number, number][] = []
  for (const c of candidates) {
    let at = lower.indexOf(`@${c.handle}`)
    while (at !== -1) {
      const end = at + 1 + c.handle.length
      const next = lower[end]
      const overlaps = taken.some(([s, e]) => at < e && end > s)
      if (!overlaps && (next === undefined || !/[\p{L}\p{N}_]/u.test(next))) {
        found.add(c.userId)
        taken.push([at, end])
      }
      at = lower.indexOf(`@${c.handle}`, at + 1)
    }
  }
  return [...found]
}

/** The workspace's members one may mention (id and name only). */
export async function listMentionableMembers(actor: Actor) {
  const members = await workspaces.listMembers(getSql(), actor.workspaceId)
  return members.map((m) => ({ id: m.userId, name: m.name }))
}

/** A thread with its position in the list (for API cursors). */
export type PagedThreadView = ThreadView & { sortMicros: string }

function toView(actor: Actor, t: comments.ThreadRow): ThreadView {
  return {
    id: t.id,
    narrativeId: t.narrativeId,
    initiativeId: t.initiativeId,
    anchorStart: t.anchorStart ? toBase64(t.anchorStart) : null,
    anchorEnd: t.anchorEnd ? toBase64(t.anchorEnd) : null,
    quote: t.quote,
    resolved: t.resolvedAt !== null,
    resolvedAt: t.resolvedAt?.toISOString() ?? null,
    resolvedByName: t.resolvedByName,
    createdAt: t.createdAt.toISOString(),
    blocking: t.blocking,
    comments: t.comments.map((c) => ({
      ...c,
      createdAt: new Date(c.createdAt).toISOString(),
      editedAt: c.editedAt ? new Date(c.editedAt).toISOString() : null,
      mine: c.authorId === actor.userId,
    })),
  }
}

function assertCanComment(actor: Actor) {
  if (!canComment(actor)) throw forbidden('Readers cannot comment. Ask a workspace owner for the commenter role.')
}

/** The comment threads of a narrative the member can read (working material: not for readers). */
export async function listNarrativeThreads(
  actor: Actor,
  narrativeId: string,
  opts: { resolved?: boolean; page?: Keyset } = {},
): Promise<PagedThreadView[]> {
  await getNarrativeFor(actor, narrativeId)
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers see approved narratives without their comments')
  const rows = await comments.listThreads(getSql(), { workspaceId: actor.workspaceId, narrativeId, resolved: opts.resolved }, opts.page)
  return rows.map((t) => ({ ...toView(actor, t), sortMicros: t.sortMicros }))
}

/** The comment threads on an initiative of the workspace. */
export async function listInitiativeThreads(actor: Actor, initiativeId: string, page?: Keyset): Promise<PagedThreadView[]> {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers do not see the roadmap')
  const rows = await comments.listThreads(getSql(), { workspaceId: actor.workspaceId, initiativeId }, page)
  return rows.map((t) => ({ ...toView(actor, t), sortMicros: t.sortMicros }))
}

/** Notifications for a new comment: mentioned members, then the thread's other participants. */
async function notifyForComment(db: Db, actor: Actor, args: { thread: comments.ThreadRef; body: string; isReply: boolean }) {
  const members = await workspaces.listMembers(db, actor.workspaceId)
  const mentioned = findMentions(args.body, members).filter((id) => id !== actor.userId)
  const where = { narrativeId: args.thread.narrativeId, initiativeId: args.thread.initiativeId, threadId: args.thread.id }
  const rows: NotificationInsert[] = mentioned.map((userId) => ({
    workspaceId: actor.workspaceId,
    userId,
    kind: 'mention',
    actorId: actor.userId,
    excerpt: args.body,
    ...where,
  }))
  if (args.isReply) {
    const participants = await comments.listThreadParticipants(db, args.thread.id)
    for (const userId of participants) {
      if (userId === actor.userId || mentioned.includes(userId)) continue
      rows.push({ workspaceId: actor.workspaceId, userId, kind: 'reply', actorId: actor.userId, excerpt: args.body, ...where })
    }
  }
  return notify(db, rows)
}

function published(actor: Actor, thread: { id: string; narrativeId: string | null; initiativeId: string | null }) {
  bus.publish({
    type: 'comments.changed',
    workspaceId: actor.workspaceId,
    threadId: thread.id,
    ...(thread.narrativeId ? { narrativeId: thread.narrativeId } : {}),
    ...(thread.initiativeId ? { initiativeId: thread.initiativeId } : {}),
  })
}

/** Starts a thread on a text range of a narrative; commenters may, though they cannot edit text. */
export async function startNarrativeThread(
  actor: Actor,
  narrativeId: string,
  args: { anchorStart: string; anchorEnd: string; quote: string; body: string; blocking?: boolean },
) {
  await getNarrativeFor(actor, narrativeId)
  assertCanComment(actor)
  const start = fromBase64(args.anchorStart)
  const end = fromBase64(args.anchorEnd)
  if (!isRelativePosition(start) || !isRelativePosition(end)) {
    throw invalid('The selection could not be anchored', { anchorStart: ['Not a text position'] })
  }
  let after = () => {}
  const threadId = await getSql().begin(async (tx) => {
    const id = await comments.insertThread(tx, {
      workspaceId: actor.workspaceId,
      authorId: actor.userId,
      narrativeId,
      anchor: { start, end, quote: args.quote },
      blocking: args.blocking ?? false,
    })
    await comments.insertComment(tx, { workspaceId: actor.workspaceId, threadId: id, authorId: actor.userId, body: args.body })
    after = await notifyForComment(tx, actor, {
      thread: { id, narrativeId, initiativeId: null, authorId: actor.userId, quote: args.quote },
      body: args.body,
      isReply: false,
    })
    return id
  })
  published(actor, { id: threadId, narrativeId, initiativeId: null })
  after()
  return threadId
}

/** Starts a thread on an initiative (the roadmap's discussion). */
export async function startInitiativeThread(actor: Actor, initiativeId: string, body: string, assertVisible: () => Promise<void>) {
  await assertVisible()
  assertCanComment(actor)
  let after = () => {}
  const threadId = await getSql().begin(async (tx) => {
    const id = await comments.insertThread(tx, { workspaceId: actor.workspaceId, authorId: actor.userId, initiativeId })
    await comments.insertComment(tx, { workspaceId: actor.workspaceId, threadId: id, authorId: actor.userId, body })
    after = await notifyForComment(tx, actor, {
      thread: { id, narrativeId: null, initiativeId, authorId: actor.userId, quote: '' },
      body,
      isReply: false,
    })
    return id
  })
  published(actor, { id: threadId, narrativeId: null, initiativeId })
  after()
  return threadId
}

async function visibleThread(actor: Actor, threadId: string) {
  const thread = await comments.getThread(getSql(), { id: threadId, workspaceId: actor.workspaceId })
  if (!thread) throw notFound('Thread')
  if (thread.narrativeId) await getNarrativeFor(actor, thread.narrativeId)
  return thread
}

/** Answers a thread; its participants are told, mentioned members too. */
export async function replyToThread(actor: Actor, threadId: string, body: string) {
  const thread = await visibleThread(actor, threadId)
  assertCanComment(actor)
  let after = () => {}
  const id = await getSql().begin(async (tx) => {
    const commentId = await comments.insertComment(tx, { workspaceId: actor.workspaceId, threadId, authorId: actor.userId, body })
    after = await notifyForComment(tx, actor, { thread, body, isReply: true })
    return commentId
  })
  published(actor, thread)
  after()
  return id
}

async function ownComment(actor: Actor, commentId: string) {
  const comment = await comments.getComment(getSql(), { id: commentId, workspaceId: actor.workspaceId })
  if (!comment) throw notFound('Comment')
  const thread = await visibleThread(actor, comment.threadId)
  assertCanComment(actor)
  if (comment.authorId !== actor.userId) throw forbidden('You can edit and delete your own comments only')
  return { comment, thread }
}

/** Edits one's own comment. */
export async function editComment(actor: Actor, commentId: string, body: string) {
  const { thread } = await ownComment(actor, commentId)
  await comments.updateCommentBody(getSql(), { id: commentId, workspaceId: actor.workspaceId, body })
  published(actor, thread)
}

/** Deletes one's own comment; a thread without comments left is deleted with it. */
export async function deleteComment(actor: Actor, commentId: string) {
  const { comment, thread } = await ownComment(actor, commentId)
  await getSql().begin((tx) => comments.deleteComment(tx, { id: commentId, workspaceId: actor.workspaceId, threadId: comment.threadId }))
  published(actor, thread)
}

/** Resolves or reopens a thread (anyone who may comment: resolving is part of the discussion). */
export async function setThreadResolved(actor: Actor, threadId: string, resolved: boolean) {
  const thread = await visibleThread(actor, threadId)
  assertCanComment(actor)
  await comments.setThreadResolved(getSql(), { id: threadId, workspaceId: actor.workspaceId, resolvedBy: resolved ? actor.userId : null })
  published(actor, thread)
}

/** Marks a thread as blocking approval, or clears it: everyone who may comment. */
export async function setThreadBlocking(actor: Actor, threadId: string, blocking: boolean) {
  const thread = await visibleThread(actor, threadId)
  assertCanComment(actor)
  await comments.setThreadBlocking(getSql(), { id: threadId, workspaceId: actor.workspaceId, blocking })
  published(actor, thread)
}

/** Runs one comment action on a narrative's threads (the page's fetcher and the API share it). */
export async function runNarrativeCommentIntent(
  actor: Actor,
  narrativeId: string,
  intent: CommentIntent,
): Promise<{ threadId?: string; commentId?: string }> {
  switch (intent.intent) {
    case 'start':
      return { threadId: await startNarrativeThread(actor, narrativeId, intent) }
    case 'reply':
      await assertThreadOf(actor, intent.threadId, narrativeId)
      return { commentId: await replyToThread(actor, intent.threadId, intent.body) }
    case 'edit':
      await editComment(actor, intent.commentId, intent.body)
      return { commentId: intent.commentId }
    case 'delete':
      await deleteComment(actor, intent.commentId)
      return {}
    case 'resolve':
    case 'reopen':
      await assertThreadOf(actor, intent.threadId, narrativeId)
      await setThreadResolved(actor, intent.threadId, intent.intent === 'resolve')
      return { threadId: intent.threadId }
    case 'blocking':
      await assertThreadOf(actor, intent.threadId, narrativeId)
      await setThreadBlocking(actor, intent.threadId, intent.blocking)
      return { threadId: intent.threadId }
  }
}

async function assertThreadOf(actor: Actor, threadId: string, narrativeId: string) {
  const thread = await comments.getThread(getSql(), { id: threadId, workspaceId: actor.workspaceId })
  if (!thread || thread.narrativeId !== narrativeId) throw notFound('Thread')
}
