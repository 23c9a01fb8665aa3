import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { toBase64 } from '#app/document/anchors.ts'
import { CommentBodySchema } from '#app/schemas/comments.ts'
import {
  deleteComment,
  editComment,
  findMentions,
  listNarrativeThreads,
  replyToThread,
  setThreadResolved,
  startNarrativeThread,
} from './comments.server.ts'
import { countUnreadFor, listNotificationsFor, markNotificationsRead } from './notifications.server.ts'

await useTestDatabase()

function anchor() {
  const doc = new Y.Doc()
  const root = doc.get('root', Y.XmlText)
  root.insert(0, 'Pipeline grows when sales and marketing share one goal.')
  const pos = (i: number, assoc: number) => toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(root, i, assoc)))
  return { anchorStart: pos(20, 0), anchorEnd: pos(39, -1), quote: 'sales and marketing' }
}

const status = (e: unknown) => (e as { status?: number }).status

describe('findMentions', () => {
  const members = [
    { userId: 'a', name: 'Dana Lee', email: 'dlee@example.test' },
    { userId: 'b', name: 'Dana', email: 'd2@example.test' },
    { userId: 'c', name: 'Sam Ortiz', email: 'sam.ortiz@example.test' },
  ]
  it('finds full names, longest first, and email handles', () => {
    expect(findMentions('@Dana Lee can you check?', members)).toEqual(['a'])
    expect(findMentions('cc @dana and @sam.ortiz', members).sort()).toEqual(['b', 'c'])
  })
  it('ignores non-members, partial words and emails', () => {
    expect(findMentions('@Nobody here, @Danae, mail dlee@example.test', members)).toEqual([])
  })
})

describe('comments on narratives', () => {
  it('a commenter starts a thread on a range and mentions the owner, who is notified; replies notify the thread', async () => {
    const ws = await buildWorkspace()
    const narrative = await buildNarrative(ws.owner)
    const range = anchor()
    const threadId = await startNarrativeThread(ws.commenter.actor, narrative.id, {
      ...range,
      body: `@${ws.owner.name} is this the FY27 number?`,
    })
    const [thread] = await listNarrativeThreads(ws.owner.actor, narrative.id)
    expect(thread).toMatchObject({ id: threadId, quote: 'sales and marketing', resolved: false })
    expect([thread!.anchorStart, thread!.anchorEnd]).toEqual([range.anchorStart, range.anchorEnd])
    expect(thread!.comments).toHaveLength(1)
    expect(await countUnreadFor(ws.owner.actor)).toBe(1)
    const [n] = await listNotificationsFor(ws.owner.actor)
    expect(n).toMatchObject({ kind: 'mention', actorName: ws.commenter.name, read: false })
    expect(n!.target?.href).toBe(`/narratives/${narrative.id}?thread=${threadId}`)
    // Nobody else was told; the author is never notified of their own comment.
    expect(await countUnreadFor(ws.editor.actor)).toBe(0)
    expect(await countUnreadFor(ws.commenter.actor)).toBe(0)

    await replyToThread(ws.owner.actor, threadId, 'Yes — the board number.')
    expect(await listNotificationsFor(ws.commenter.actor)).toMatchObject([{ kind: 'reply', excerpt: 'Yes — the board number.' }])
    await markNotificationsRead(ws.owner.actor)
    expect(await countUnreadFor(ws.owner.actor)).toBe(0)
  })

  it('edit and delete own only; resolve and reopen; the last comment takes the thread with it', async () => {
    const ws = await buildWorkspace()
    const narrative = await buildNarrative(ws.editor)
    const threadId = await startNarrativeThread(ws.commenter.actor, narrative.id, { ...anchor(), body: 'First' })
    const [first] = (await listNarrativeThreads(ws.commenter.actor, narrative.id))[0]!.comments
    await expect(editComment(ws.editor.actor, first!.id, 'Hijack')).rejects.toSatisfy((e) => status(e) === 403)
    await expect(deleteComment(ws.owner.actor, first!.id)).rejects.toSatisfy((e) => status(e) === 403)
    await editComment(ws.commenter.actor, first!.id, 'First, clarified')
    await setThreadResolved(ws.editor.actor, threadId, true)
    let [thread] = await listNarrativeThreads(ws.editor.actor, narrative.id)
    expect(thread).toMatchObject({ resolved: true, resolvedByName: ws.editor.name })
    expect(thread!.comments[0]).toMatchObject({ body: 'First, clarified', mine: false })
    expect(thread!.comments[0]!.editedAt).not.toBeNull()
    await setThreadResolved(ws.commenter.actor, threadId, false)
    ;[thread] = await listNarrativeThreads(ws.editor.actor, narrative.id)
    expect(thread!.resolved).toBe(false)
    await deleteComment(ws.commenter.actor, first!.id)
    expect(await listNarrativeThreads(ws.editor.actor, narrative.id)).toEqual([])
  })

  it('readers are refused (403), other workspaces see nothing (404), bad anchors are 400', async () => {
    const [ws, other] = await Promise.all([buildWorkspace(), buildWorkspace()])
    const approved = await buildNarrative(ws.owner, { status: 'approved' })
    const draft = await buildNarrative(ws.owner)
    await expect(startNarrativeThread(ws.reader.actor, approved.id, { ...anchor(), body: 'x' })).rejects.toSatisfy((e) => status(e) === 403)
    await expect(listNarrativeThreads(ws.reader.actor, approved.id)).rejects.toSatisfy((e) => status(e) === 403)
    await expect(startNarrativeThread(ws.reader.actor, draft.id, { ...anchor(), body: 'x' })).rejects.toSatisfy((e) => status(e) === 404)
    await expect(startNarrativeThread(other.owner.actor, draft.id, { ...anchor(), body: 'x' })).rejects.toSatisfy((e) => status(e) === 404)
    const threadId = await startNarrativeThread(ws.commenter.actor, draft.id, { ...anchor(), body: 'x' })
    await expect(replyToThread(other.owner.actor, threadId, 'x')).rejects.toSatisfy((e) => status(e) === 404)
    await expect(
      startNarrativeThread(ws.commenter.actor, draft.id, { ...anchor(), anchorStart: toBase64(new Uint8Array([255, 1])), body: 'x' }),
    ).rejects.toSatisfy((e) => status(e) === 400)
  })

  it('mentions of non-members do nothing; bodies are limited and kept as text', async () => {
    const [ws, other] = await Promise.all([buildWorkspace(), buildWorkspace()])
    const narrative = await buildNarrative(ws.owner)
    await startNarrativeThread(ws.commenter.actor, narrative.id, { ...anchor(), body: `@${other.owner.name} <img src=x onerror=alert(1)>` })
    expect(await countUnreadFor(other.owner.actor)).toBe(0)
    const [thread] = await listNarrativeThreads(ws.owner.actor, narrative.id)
    expect(thread!.comments[0]!.body).toContain('<img src=x onerror=alert(1)>')
    expect(CommentBodySchema.safeParse('x'.repeat(4001)).success).toBe(false)
    expect(CommentBodySchema.safeParse('   ').success).toBe(false)
  })
})
