/**
 * Review and versions through the real collaboration server: an edit by a real WebsocketProvider
 * client during review resets the approvals; a restore reaches open clients live; the last editor
 * leaving keeps a checkpoint.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { connectClient, startCollabServer } from '#test/collab-helpers.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { addCommitment } from '#app/services/metrics/commitments.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { decideReview, getReviewPanelFor, requestReview } from '#app/services/reviews.server.ts'
import { listVersionsFor, restoreVersion, saveNamedVersion } from '#app/services/versions.server.ts'
import { setNarrativeArchived } from '#app/services/narratives.server.ts'
import { loadStoredDoc } from '#test/collab-helpers.ts'
import { buildMarkdownUpdate, deriveContent, seedNarrativeContent } from '#app/document/content.ts'
import * as Y from 'yjs'

const db = await useTestDatabase()
const server = await startCollabServer(db.sql, {
  limits: { derivedDebounceMs: 20, derivedMaxWaitMs: 50, idleUnloadMs: 50, checkpointEveryMs: 60_000 },
})
afterAll(() => server.close())

async function until(check: () => Promise<boolean> | boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('timed out waiting')
}

async function narrativeUnderReview(ws: WorkspaceFixture, text = 'We grow pipeline by six percent.') {
  const n = await buildNarrative(ws.editor, { title: 'Plan' })
  await seedNarrativeContent(db.sql, n.id, buildMarkdownUpdate(text))
  await createMetric(
    ws.editor.actor,
    MetricInputSchema.parse({
      key: 'pipeline',
      name: 'Pipeline',
      unit: 'count',
      direction: 'higher',
      indicator: 'lagging',
      aggregation: 'sum',
    }),
  )
  await addCommitment(ws.editor.actor, n.id, {
    metricKey: 'pipeline',
    baseline: 1,
    target: 2,
    granularity: 'quarter',
    dueOn: '2099-03-31',
    note: '',
  })
  return n
}

const synced = (c: ReturnType<typeof connectClient>) => until(() => c.provider.synced)

describe('review through the collaboration server', () => {
  it('an edit by a connected writer during review resets the approvals that were given', async () => {
    const ws = await buildWorkspace()
    const n = await narrativeUnderReview(ws)
    const { versionId } = await requestReview(ws.editor.actor, n.id, { approverIds: [ws.owner.id, ws.editor.id] })
    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: 'Yes' })
    expect((await getReviewPanelFor(ws.editor.actor, n.id)).approvers.map((a) => a.decision)).toEqual(['approve', null])

    const client = connectClient(server.url, n.id, { cookie: ws.editor.cookie, origin: server.origin })
    try {
      await synced(client)
      client.type('an edit during review')
      await until(async () => (await getReviewPanelFor(ws.editor.actor, n.id)).review?.versionId !== versionId)
      const panel = await getReviewPanelFor(ws.editor.actor, n.id)
      expect(panel.approvers.map((a) => a.decision)).toEqual([null, null])
      expect(panel.events.map((e) => e.kind)).toContain('review_reset')
      // The stale version is refused with the current one.
      await expect(decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '', versionId })).rejects.toMatchObject({
        status: 409,
        extra: { currentVersionId: panel.review!.versionId },
      })
    } finally {
      client.destroy()
    }
  })

  it('a restore reaches open clients as a forward edit, and the last editor leaving keeps a checkpoint', async () => {
    const ws = await buildWorkspace()
    const n = await narrativeUnderReview(ws, 'First text.')
    const v1 = await saveNamedVersion(ws.editor.actor, n.id, 'First')
    const client = connectClient(server.url, n.id, { cookie: ws.editor.cookie, origin: server.origin })
    const other = connectClient(server.url, n.id, { cookie: ws.commenter.cookie, origin: server.origin })
    try {
      await Promise.all([synced(client), synced(other)])
      const textOf = (doc: Y.Doc) => deriveContent(Y.encodeStateAsUpdate(doc)).text
      expect(textOf(other.doc)).toBe('First text.')
      // Someone rewrites the text (a headless editor's update sent over the real socket).
      const { buildRestoreUpdate } = await import('#app/document/content.ts')
      Y.applyUpdate(client.doc, buildRestoreUpdate(Y.encodeStateAsUpdate(client.doc), buildMarkdownUpdate('Second text.')))
      await until(() => textOf(other.doc) === 'Second text.')

      await restoreVersion(ws.editor.actor, n.id, v1.id)
      // Both open clients see the old text come back, live.
      await until(() => textOf(other.doc) === 'First text.' && textOf(client.doc) === 'First text.')
      // One more edit after the restore: the checkpoint on leaving keeps it.
      client.type('after the restore')
      await until(() => client.ackedOnSocket() >= client.sentOnSocket())
    } finally {
      client.destroy()
      other.destroy()
    }
    await until(async () => (await listVersionsFor(ws.editor.actor, n.id)).versions.some((v) => v.kind === 'checkpoint'))
    const kinds = (await listVersionsFor(ws.editor.actor, n.id)).versions.map((v) => v.kind)
    expect(kinds).toContain('restore')
    expect(kinds).toContain('named')
  })
})

/** The approval policy's two approvers (owner and editor) send to review and approve. */
async function approveByOwnerAndEditor(ws: WorkspaceFixture, narrativeId: string) {
  await requestReview(ws.editor.actor, narrativeId, { approverIds: [ws.owner.id, ws.editor.id] })
  await decideReview(ws.owner.actor, narrativeId, { decision: 'approve', note: '' })
  await decideReview(ws.editor.actor, narrativeId, { decision: 'approve', note: '' })
}

describe('status changes re-check the open sockets (issue 13, findings 5 and 7)', () => {
  it('a reader who opened an approved narrative never receives the new draft, and is refused once it is one', async () => {
    const ws = await buildWorkspace()
    const n = await narrativeUnderReview(ws, 'The approved text.')
    await approveByOwnerAndEditor(ws, n.id)
    const reader = connectClient(server.url, n.id, { cookie: ws.reader.cookie, origin: server.origin })
    const editor = connectClient(server.url, n.id, { cookie: ws.editor.cookie, origin: server.origin })
    try {
      await Promise.all([synced(reader), synced(editor)])
      editor.type('a draft sentence')
      await until(() => editor.ackedOnSocket() >= editor.sentOnSocket())
      // The edit makes the narrative a draft; the reader's socket is closed and its reconnect refused.
      await until(() => reader.closes.some((c) => c.code === 4205))
      await until(() => reader.closes.some((c) => c.code === 4403))
      editor.type(' and more')
      await until(() => editor.ackedOnSocket() >= editor.sentOnSocket())
      expect(reader.text()).toBe('')
    } finally {
      reader.destroy()
      editor.destroy()
    }
  })

  it('a reader who opens the narrative after an edit the app has not yet heard of gets the draft refused, never its text', async () => {
    // Derive far away: without settling on a reader's arrival, the edit would reach them for a minute.
    const slow = await startCollabServer(db.sql, {
      limits: { derivedDebounceMs: 60_000, derivedMaxWaitMs: 60_000, checkpointEveryMs: 60_000 },
    })
    const ws = await buildWorkspace()
    const n = await narrativeUnderReview(ws, 'The approved text.')
    await approveByOwnerAndEditor(ws, n.id)
    const editor = connectClient(slow.url, n.id, { cookie: ws.editor.cookie, origin: slow.origin })
    let reader: ReturnType<typeof connectClient> | null = null
    try {
      await synced(editor)
      editor.type('a draft sentence')
      await until(() => editor.ackedOnSocket() >= editor.sentOnSocket())
      reader = connectClient(slow.url, n.id, { cookie: ws.reader.cookie, origin: slow.origin })
      await until(() => reader!.closes.length > 0)
      expect(reader.closes[0]!.code).toBe(4403)
      expect(reader.text()).toBe('')
    } finally {
      reader?.destroy()
      editor.destroy()
      await slow.close()
    }
  })

  it('archiving freezes the text: an open editor socket is re-checked and its edits are no longer stored', async () => {
    const ws = await buildWorkspace()
    const n = await buildNarrative(ws.editor, { title: 'To archive' })
    const editor = connectClient(server.url, n.id, { cookie: ws.editor.cookie, origin: server.origin })
    const commenter = connectClient(server.url, n.id, { cookie: ws.commenter.cookie, origin: server.origin })
    try {
      await Promise.all([synced(editor), synced(commenter)])
      editor.type('before. ')
      await until(() => editor.ackedOnSocket() >= editor.sentOnSocket())
      await setNarrativeArchived(ws.owner.actor, { id: n.id, archived: true })
      await until(() => editor.closes.some((c) => c.code === 4205))
      // A commenter's rights did not change: its socket stays open.
      expect(commenter.closes).toEqual([])
      await synced(editor)
      editor.type('after the archive')
      await until(() => editor.ackedOnSocket() >= editor.sentOnSocket())
      await new Promise((r) => setTimeout(r, 200))
      expect((await loadStoredDoc(db.sql, n.id)).getText('probe').toString()).toBe('before. ')
      expect(commenter.text()).toBe('before. ')
    } finally {
      editor.destroy()
      commenter.destroy()
    }
  })
})
