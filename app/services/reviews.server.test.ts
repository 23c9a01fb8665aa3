import { describe, expect, it } from 'vitest'
import { refused } from '#test/refused.ts'
import { useTestDatabase } from '#test/db.ts'
import { buildMember, buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { appendNarrativeUpdateGroups } from '#db/queries/narrative-docs.ts'
import { buildMarkdownUpdate } from '#app/document/content.ts'
import { addCommitment } from '#app/services/metrics/commitments.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { addRequirement, assessRequirement } from './feasibility.server.ts'
import { startNarrativeThread, setThreadResolved } from './comments.server.ts'
import { listNotificationsFor } from './notifications.server.ts'
import {
  acknowledgeApproved,
  cancelReview,
  decideReview,
  getApprovalGate,
  getReadingViewFor,
  getReviewPanelFor,
  listApprovedFor,
  listAuditFor,
  noteNarrativeEdited,
  recordExport,
  requestReview,
} from './reviews.server.ts'
import { listAuditFor as listWorkspaceAudit } from './audit.server.ts'
import { recordReviewExport } from '#app/services/metrics/review.server.ts'
import { diffVersionsFor, getVersionMarkdown, listVersionsFor, restoreVersion, saveNamedVersion } from './versions.server.ts'
import { seedNarrativeContent } from '#app/document/content.ts'
import { toBase64 } from '#app/document/anchors.ts'
import * as Y from 'yjs'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { bindEditor } from '#app/document/lexical.ts'
import { loadStoredSnapshot } from '#app/document/snapshot.ts'

const db = await useTestDatabase()

/** A narrative with text, one failing requirement and (unless told) a commitment and an MOps assessment. */
async function ready(ws: WorkspaceFixture, opts: { commitment?: boolean; assessed?: boolean; text?: string } = {}) {
  const n = await buildNarrative(ws.editor, { title: 'FY27 plan' })
  await seedNarrativeContent(db.sql, n.id, buildMarkdownUpdate(opts.text ?? '## Summary\n\nWe grow pipeline by six percent.'))
  const reqId = await addRequirement(ws.editor.actor, n.id, {
    kind: 'capability',
    capability: 'multi-touch attribution',
    system: null,
    from: null,
    to: null,
    objects: [],
    object: null,
    measure: null,
    field: null,
    op: null,
    threshold: null,
    neededBy: '2027-06-30',
    note: '',
  })
  if (opts.assessed !== false) {
    await assessRequirement(
      ws.owner.actor,
      { narrativeId: n.id, requirementId: reqId },
      { decision: 'accept_risk', effort: 'M', note: 'We build it in Q1' },
    )
  }
  if (opts.commitment !== false) {
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
      baseline: 100,
      target: 106,
      granularity: 'quarter',
      dueOn: '2099-03-31',
      note: '',
    })
  }
  return { n, reqId }
}

/** A committed edit (as the collaboration server would store it), appending `text` as a paragraph. */
async function edit(narrativeId: string, text: string) {
  const doc = new Y.Doc()
  const snap = await loadStoredSnapshot(db.sql, narrativeId)
  const bound = bindEditor(doc)
  Y.applyUpdate(doc, snap.update)
  bound.editor.update(() => {}, { discrete: true })
  const before = Y.encodeStateVector(doc)
  bound.editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode(text))), { discrete: true })
  const update = Y.encodeStateAsUpdate(doc, before)
  bound.dispose()
  await appendNarrativeUpdateGroups(db.sql, [{ narrativeId, updates: [{ data: update, authorId: null }] }])
}

describe('the approval gate', () => {
  it('lists what is missing, and approving is refused with the reasons until it passes', async () => {
    const ws = await buildWorkspace()
    const { n, reqId } = await ready(ws, { commitment: false, assessed: false })
    let gate = await getApprovalGate(ws.editor.actor, n.id)
    expect(gate.passed).toBe(false)
    expect(gate.checks.filter((c) => !c.ok).map((c) => c.key)).toEqual(['assessments', 'commitments'])

    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    const e = await refused(decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' }))
    expect(e.status).toBe(409)
    expect(e.fieldErrors?.gate).toHaveLength(2)
    // Requesting changes needs no gate.
    await decideReview(ws.editor.actor, n.id, { decision: 'changes', note: 'Add a commitment' })

    await assessRequirement(
      ws.owner.actor,
      { narrativeId: n.id, requirementId: reqId },
      { decision: 'accept_risk', effort: 'S', note: 'ok' },
    )
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
    gate = await getApprovalGate(ws.editor.actor, n.id)
    expect(gate.passed).toBe(true)
  })

  it('an unresolved blocking thread blocks approval until it is resolved', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    const anchor = toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(new Y.Doc().get('root', Y.XmlText), 0)))
    const threadId = await startNarrativeThread(ws.commenter.actor, n.id, {
      anchorStart: anchor,
      anchorEnd: anchor,
      quote: 'six percent',
      body: 'Finance has not signed this',
      blocking: true,
    })
    let gate = await getApprovalGate(ws.editor.actor, n.id)
    expect(gate.reasons).toEqual(['1 blocking comment thread unresolved: “six percent”'])
    await setThreadResolved(ws.editor.actor, threadId, true)
    gate = await getApprovalGate(ws.editor.actor, n.id)
    expect(gate.passed).toBe(true)
  })
})

describe('review and approval', () => {
  it('freezes the exact version with its HTML and evidence when every approver approved, and publishes it', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    const { versionId } = await requestReview(ws.editor.actor, n.id, {
      approverIds: [ws.editor.id, ws.commenter.id],
      dueDate: '2099-01-31',
    })
    const inbox = await listNotificationsFor(ws.commenter.actor)
    expect(inbox[0]).toMatchObject({ kind: 'review', excerpt: 'asked you to approve “FY27 plan” by 2099-01-31' })

    let panel = await getReviewPanelFor(ws.editor.actor, n.id)
    expect(panel.narrative.status).toBe('in_review')
    expect(panel.can.approve).toBe(true)

    const first = await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: 'Good', versionId })
    expect(first.outcome).toBe('pending')
    const second = await decideReview(ws.commenter.actor, n.id, { decision: 'approve', note: 'Finance agrees' })
    expect(second.outcome).toBe('approved')

    panel = await getReviewPanelFor(ws.editor.actor, n.id)
    expect(panel.narrative.status).toBe('approved')
    const versions = await listVersionsFor(ws.editor.actor, n.id)
    const approved = versions.versions.find((v) => v.kind === 'approved')!
    expect(approved.id).toBe(second.approvedVersionId)

    // Leadership reads the frozen HTML with the evidence.
    const view = await getReadingViewFor(ws.reader.actor, n.id)
    expect(view.version.html).toContain('We grow pipeline by six percent.')
    expect(view.version.html).toContain('<h2')
    expect(view.approvals.map((a) => a.note)).toEqual(['Good', 'Finance agrees'])
    expect(view.evidence.feasibility.requirements[0]).toMatchObject({ assessment: { decision: 'accept_risk' } })
    expect(view.evidence.metrics[0]).toMatchObject({ key: 'pipeline', baseline: 100, target: 106 })
    expect((await listApprovedFor(ws.reader.actor)).map((r) => r.id)).toEqual([n.id])
    const md = await getVersionMarkdown(ws.reader.actor, n.id, approved.id)
    expect(md.markdown).toContain('## Summary')

    const audit = await listAuditFor(ws.owner.actor, n.id)
    expect(audit.map((e) => e.kind).reverse()).toEqual(['review_requested', 'approved', 'approved', 'published'])
  })

  it('two approvers deciding at the same moment both count exactly once, and the version is frozen once', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    const results = await Promise.all([
      decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' }),
      decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' }),
    ])
    expect(results.map((r) => r.outcome).sort()).toEqual(['approved', 'pending'])
    const rows = await db.sql`select kind from narrative_versions where narrative_id = ${n.id} and kind = 'approved'`
    expect(rows).toHaveLength(1)
    const decided =
      await db.sql`select a.decision from review_approvers a join narrative_reviews r on r.id = a.review_id where r.narrative_id = ${n.id}`
    expect(decided.map((r) => r.decision)).toEqual(['approve', 'approve'])
    const events = await db.sql`select kind from narrative_events where narrative_id = ${n.id} and kind in ('approved', 'published')`
    expect(events.map((e) => e.kind).sort()).toEqual(['approved', 'approved', 'published'])
  })

  it('approving a version that is no longer current is refused with the current version id, and resets approvals', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    const { versionId } = await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' })
    await edit(n.id, 'A sentence added during review.')
    const e = await refused(decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '', versionId }))
    expect(e.status).toBe(409)
    const current = e.extra?.currentVersionId as string
    expect(current).toMatch(/^[0-9a-f-]{36}$/)
    expect(current).not.toBe(versionId)
    const panel = await getReviewPanelFor(ws.editor.actor, n.id)
    expect(panel.review?.versionId).toBe(current)
    expect(panel.approvers.map((a) => a.decision)).toEqual([null, null])
    // An old version id is refused again, the current one works.
    expect((await refused(decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '', versionId }))).extra?.currentVersionId).toBe(
      current,
    )
    expect((await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '', versionId: current })).outcome).toBe('pending')
  })

  it('an edit noticed after commit resets the approvals and tells those who decided; after approval it starts a draft revision', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' })
    await edit(n.id, 'Changed.')
    await noteNarrativeEdited(db.sql, n.id)
    let panel = await getReviewPanelFor(ws.editor.actor, n.id)
    expect(panel.approvers.map((a) => a.decision)).toEqual([null, null])
    expect(panel.events[0]!.kind).toBe('review_reset')
    expect((await listNotificationsFor(ws.owner.actor))[0]!.excerpt).toContain('your decision was reset')

    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' })
    const done = await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' })
    expect(done.outcome).toBe('approved')
    await edit(n.id, 'A later draft.')
    await noteNarrativeEdited(db.sql, n.id)
    panel = await getReviewPanelFor(ws.editor.actor, n.id)
    expect(panel.narrative.status).toBe('draft')
    // Leadership keeps reading the approved version.
    const view = await getReadingViewFor(ws.reader.actor, n.id)
    expect(view.version.id).toBe(done.approvedVersionId)
    expect(view.version.text).not.toContain('A later draft.')
  })

  it('a reader sees what changed since the version they acknowledged once a newer one is approved', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws, { text: 'We grow pipeline by six percent.' })
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' })
    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' })
    await acknowledgeApproved(ws.reader.actor, n.id)
    let view = await getReadingViewFor(ws.reader.actor, n.id)
    expect(view.acknowledgedCurrent).toBe(true)
    expect(view.changes).toBeNull()

    await edit(n.id, 'Eight percent in EMEA.')
    await noteNarrativeEdited(db.sql, n.id)
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] })
    await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' })
    await decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' })
    view = await getReadingViewFor(ws.reader.actor, n.id)
    expect(view.acknowledgedCurrent).toBe(false)
    expect(view.changes?.parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toContain('Eight percent in EMEA.')
    // The owner sees who acknowledged which version.
    const ownerView = await getReadingViewFor(ws.owner.actor, n.id)
    expect(ownerView.reads?.map((r) => r.name)).toEqual([ws.reader.name])
  })

  it('the approval policy: nobody sends a narrative to review with only herself, or without the CMO and the MOps lead (400, nothing written)', async () => {
    const ws = await buildWorkspace()
    const mops = await buildMember(ws.owner, 'commenter', 'marketing_ops')
    const { n } = await ready(ws)
    const before = await db.sql`select count(*)::int as n from narrative_reviews where narrative_id = ${n.id}`
    // The editor (the CMO: Marketing) names only herself.
    const alone = await refused(requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id] }))
    expect(alone.status).toBe(400)
    expect(alone.fieldErrors?.approverIds).toEqual([
      'Name at least 2 approvers: nobody approves a narrative alone',
      `The approval policy needs the Marketing Ops lead as an approver: add ${mops.name}`,
    ])
    // Two people, but neither is the CMO.
    const noCmo = await refused(requestReview(ws.editor.actor, n.id, { approverIds: [ws.owner.id, mops.id] }))
    expect(noCmo.fieldErrors?.approverIds).toEqual([`The approval policy needs the CMO (Marketing) as an approver: add ${ws.editor.name}`])
    expect(await db.sql`select count(*)::int as n from narrative_reviews where narrative_id = ${n.id}`).toEqual(before)
    expect((await getReviewPanelFor(ws.editor.actor, n.id)).narrative.status).toBe('draft')
    // The CMO and the MOps lead: accepted.
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, mops.id] })
  })

  it('readers are refused every write but acknowledging (403)', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    expect((await refused(requestReview(ws.reader.actor, n.id, { approverIds: [ws.editor.id] }))).status).toBe(403)
    expect((await refused(decideReview(ws.reader.actor, n.id, { decision: 'approve', note: '' }))).status).toBe(403)
    expect((await refused(cancelReview(ws.reader.actor, n.id))).status).toBe(403)
    expect((await refused(saveNamedVersion(ws.reader.actor, n.id, 'Mine'))).status).toBe(403)
    // Nothing approved yet: there is nothing to acknowledge.
    expect((await refused(acknowledgeApproved(ws.reader.actor, n.id))).status).toBe(404)
    // Readers cannot be approvers; non-approvers cannot decide.
    expect((await refused(requestReview(ws.editor.actor, n.id, { approverIds: [ws.reader.id] }))).status).toBe(400)
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.commenter.id] })
    expect((await refused(decideReview(ws.owner.actor, n.id, { decision: 'approve', note: '' }))).status).toBe(403)
    expect((await refused(requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.owner.id] }))).status).toBe(409)
  })
})

describe('versions', () => {
  it('are immutable: the database refuses any update', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    const v = await saveNamedVersion(ws.editor.actor, n.id, 'Before the board')
    await expect(db.sql`update narrative_versions set name = 'x' where id = ${v.id}`).rejects.toMatchObject({ code: '55000' })
  })

  it('restores an old version as a new forward edit, and diffs two versions word by word', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws, { text: 'We grow pipeline by six percent.' })
    const v1 = await saveNamedVersion(ws.editor.actor, n.id, 'First')
    await edit(n.id, 'And we cut churn.')
    const v2 = await saveNamedVersion(ws.editor.actor, n.id, 'Second')
    const diff = await diffVersionsFor(ws.editor.actor, n.id, v1.id, v2.id)
    expect(diff.parts.filter((p) => p.kind === 'added').map((p) => p.text)).toEqual([expect.stringContaining('churn')])

    const logBefore = (await db.sql`select count(*)::int as n from narrative_updates where narrative_id = ${n.id}`)[0]!.n as number
    const restored = await restoreVersion(ws.editor.actor, n.id, v1.id)
    const logAfter = (await db.sql`select count(*)::int as n from narrative_updates where narrative_id = ${n.id}`)[0]!.n as number
    expect(logAfter).toBe(logBefore + 1)
    const list = await listVersionsFor(ws.editor.actor, n.id)
    expect(list.versions.map((v) => [v.number, v.kind, v.name])).toEqual([
      [restored.number, 'restore', `Restored v${v1.number}`],
      [v2.number, 'named', 'Second'],
      [v1.number, 'named', 'First'],
    ])
    const back = await diffVersionsFor(ws.editor.actor, n.id, v1.id, restored.id)
    expect(back.parts.filter((p) => p.kind !== 'same')).toEqual([])
  })
})

describe('the workspace audit log (issue 9)', () => {
  const security = async (ws: WorkspaceFixture) =>
    (await listWorkspaceAudit(ws.owner.actor, {})).filter((e) => e.action.startsWith('narrative.') || e.action === 'export.downloaded')

  it('records review requests, approvals, publications and exports beside the narrative trail', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    const { versionId } = await requestReview(ws.editor.actor, n.id, { approverIds: [ws.editor.id, ws.commenter.id] })
    await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: 'Good', versionId })
    // A refused decision (a reader) writes neither trail.
    await refused(decideReview(ws.reader.actor, n.id, { decision: 'approve', note: '' }))
    const { approvedVersionId } = await decideReview(ws.commenter.actor, n.id, { decision: 'approve', note: '' })
    await recordExport(ws.reader.actor, n.id, approvedVersionId!, 'pdf')
    await recordReviewExport(ws.editor.actor, 'Q1 2027')

    const events = await security(ws)
    expect(events.map((e) => [e.action, e.actorId]).reverse()).toEqual([
      ['narrative.review_requested', ws.editor.id],
      ['narrative.approved', ws.editor.id],
      ['narrative.approved', ws.commenter.id],
      ['narrative.published', ws.commenter.id],
      ['export.downloaded', ws.reader.id],
      ['export.downloaded', ws.editor.id],
    ])
    expect(events.find((e) => e.action === 'narrative.published')).toMatchObject({
      target: 'FY27 plan',
      meta: { narrativeId: n.id, versionId: approvedVersionId },
    })
    expect(events.find((e) => e.actorId === ws.reader.id)).toMatchObject({ target: 'FY27 plan', meta: { format: 'pdf' } })
    expect(events[0]).toMatchObject({ target: 'Q1 2027 metrics review (PDF)', meta: { kind: 'metrics_review' } })
    // The narrative's own trail keeps every event.
    expect((await listAuditFor(ws.editor.actor, n.id)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['review_requested', 'approved', 'published', 'exported']),
    )
  })

  it('records requested changes', async () => {
    const ws = await buildWorkspace()
    const { n } = await ready(ws)
    await requestReview(ws.editor.actor, n.id, { approverIds: [ws.owner.id, ws.editor.id] })
    await decideReview(ws.owner.actor, n.id, { decision: 'changes', note: 'Add a commitment' })
    expect((await security(ws)).map((e) => e.action)).toEqual(['narrative.changes_requested', 'narrative.review_requested'])
    expect((await security(ws))[0]).toMatchObject({ actorId: ws.owner.id, meta: { note: 'Add a commitment' } })
  })
})
