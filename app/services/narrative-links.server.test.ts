import { describe, expect, it } from 'vitest'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { $createChipNode, $isChipNode } from '#app/document/nodes/ChipNode.ts'
import { CapabilityInputSchema, RequirementInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { CommitmentInputSchema, CommitmentUpdateSchema, MetricInputSchema } from '#app/schemas/metrics.ts'
import { formatDate, periodKey, periodOf, periodRange, shiftPeriod, today } from '#app/domain/periods.ts'
import { addCommitment, listCommitmentsFor, updateCommitment } from '#app/services/metrics/commitments.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { putValues } from '#app/services/metrics/values.server.ts'
import { addRequirement, getNarrativeFeasibility } from './feasibility.server.ts'
import { createCapability } from '#app/services/inventory/capabilities.server.ts'
import { createSystem } from '#app/services/inventory/systems.server.ts'
import { buildUpdateWith, readDocWith } from '#app/document/lexical.ts'
import { deriveContent } from '#app/document/content.ts'
import { listNarrativeLinks } from '#db/queries/narrative-links.ts'
import { getNarrativeEvidence, searchReferences, syncNarrativeLinks } from './narrative-links.server.ts'

const db = await useTestDatabase()
const sql = db.sql

/** A document of one paragraph with `refs` as chips between words, built as a browser would (through Yjs). */
function docWith(refs: Parameters<typeof $createChipNode>[0][]) {
  return buildUpdateWith(() => {
    const p = $createParagraphNode().append($createTextNode('We need '))
    for (const ref of refs) p.append($createChipNode(ref), $createTextNode(' and '))
    $getRoot().append(p)
  })
}

describe('chips in the document', () => {
  it('survive Yjs: the server headless editor reads kind, id, key and label back', () => {
    const capabilityId = crypto.randomUUID()
    const metricId = crypto.randomUUID()
    const update = docWith([
      { kind: 'capability', refId: capabilityId, refKey: '', label: 'Multi-touch attribution' },
      { kind: 'metric', refId: metricId, refKey: 'pipeline', label: 'Pipeline' },
      { kind: 'capability', refId: capabilityId, refKey: '', label: 'Multi-touch attribution' },
    ])
    const chips = readDocWith(update, () =>
      $getRoot()
        .getAllTextNodes()
        .filter($isChipNode)
        .map((n) => ({ json: n.exportJSON(), mode: n.getMode() })),
    )
    expect(chips).toHaveLength(3)
    expect(chips[0]).toMatchObject({
      mode: 'token',
      json: { type: 'chip', chipKind: 'capability', refId: capabilityId, text: 'Multi-touch attribution' },
    })
    expect(chips[1]!.json).toMatchObject({ chipKind: 'metric', refId: metricId, refKey: 'pipeline', text: 'Pipeline' })

    const derived = deriveContent(update)
    // Once each, in document order; the label stays part of the plain text.
    expect(derived.refs).toEqual([
      { kind: 'capability', refId: capabilityId, refKey: '', label: 'Multi-touch attribution' },
      { kind: 'metric', refId: metricId, refKey: 'pipeline', label: 'Pipeline' },
    ])
    expect(derived.text).toContain('We need Multi-touch attribution and Pipeline')
  })
})

describe('syncNarrativeLinks', () => {
  it('keeps requirements and links in step with the chips, and never touches hand-entered requirements', async () => {
    const ws = await buildWorkspace()
    const actor = ws.owner.actor
    const narrative = await buildNarrative(ws.owner)
    // New workspaces start with the starter taxonomy of capabilities.
    const capability = async (name: string) =>
      (await searchReferences(actor, { trigger: 'hash', q: name })).find((o) => o.label === name)!.id
    const mta = await capability('Multi-touch attribution')
    const scoring = await capability('Lead scoring')
    const marketo = await createSystem(
      actor,
      SystemInputSchema.parse({ name: 'Marketo', category: 'marketing_automation', lifecycle: 'active' }),
    )
    await createMetric(
      actor,
      MetricInputSchema.parse({
        key: 'pipeline',
        name: 'Pipeline',
        unit: 'count',
        direction: 'higher',
        indicator: 'lagging',
        aggregation: 'sum',
      }),
    )
    const [pipeline] = (await searchReferences(actor, { trigger: 'dollar', q: 'pipe' })).filter((o) => o.key === 'pipeline')
    // Stated by hand on the feasibility page.
    await addRequirement(
      actor,
      narrative.id,
      RequirementInputSchema.parse({ kind: 'capability', capability: 'Lead scoring', neededBy: '2027-06-30' }),
    )

    const refs = (update: Uint8Array) => deriveContent(update).refs
    const chips = refs(
      docWith([
        { kind: 'capability', refId: mta, refKey: '', label: 'Multi-touch attribution' },
        { kind: 'capability', refId: scoring, refKey: '', label: 'Lead scoring' },
        { kind: 'system', refId: marketo, refKey: '', label: 'Marketo' },
        { kind: 'metric', refId: pipeline!.id, refKey: 'pipeline', label: 'Pipeline' },
        // A chip pasted from another workspace names nothing here.
        { kind: 'capability', refId: crypto.randomUUID(), refKey: '', label: 'Foreign' },
      ]),
    )
    expect(await syncNarrativeLinks(sql, narrative.id, chips)).toEqual({
      linksAdded: 4,
      linksRemoved: 0,
      requirementsAdded: 1,
      requirementsRemoved: 0,
      // The pipeline has no actuals yet: the chip only cites it.
      commitmentsAdded: 0,
      commitmentsRemoved: 0,
      commitmentsMarked: 0,
    })
    // Idempotent.
    expect(await syncNarrativeLinks(sql, narrative.id, chips)).toEqual({
      linksAdded: 0,
      linksRemoved: 0,
      requirementsAdded: 0,
      requirementsRemoved: 0,
      commitmentsAdded: 0,
      commitmentsRemoved: 0,
      commitmentsMarked: 0,
    })
    let feasibility = await getNarrativeFeasibility(actor, narrative.id)
    expect(feasibility.requirements.map((r) => r.summary).sort()).toEqual(['Lead scoring', 'Multi-touch attribution'])
    // Evaluated at once (no system supports it yet).
    expect(feasibility.requirements.find((r) => r.summary === 'Multi-touch attribution')!.status).toBe('fail')
    const links = await listNarrativeLinks(sql, { workspaceId: ws.workspace.id, narrativeId: narrative.id })
    expect(links.map((l) => `${l.kind}:${l.label}`).sort()).toEqual([
      'capability:Lead scoring',
      'capability:Multi-touch attribution',
      'metric:Pipeline',
      'system:Marketo',
    ])

    const evidence = await getNarrativeEvidence(actor, narrative.id, { capability: [mta], system: [marketo], metric: [pipeline!.id] })
    expect(evidence.chips[`capability:${mta}`]).toMatchObject({ status: 'fail', reason: 'no system supports Multi-touch attribution' })
    expect(evidence.chips[`system:${marketo}`]).toMatchObject({ status: 'pass' })
    expect(evidence.chips[`metric:${pipeline!.id}`]).toMatchObject({ status: 'unknown', word: 'No data' })
    expect(evidence.feasibility.requirements.filter((r) => r.fromText).map((r) => r.summary)).toEqual(['Multi-touch attribution'])
    expect(evidence.metrics.cited.map((m) => m.key)).toEqual(['pipeline'])
    expect(evidence.metrics.needsLeadingIndicator).toBe(true)

    // Every chip removed: the derived requirement and the links go; the hand-entered one stays.
    expect(await syncNarrativeLinks(sql, narrative.id, [])).toEqual({
      linksAdded: 0,
      linksRemoved: 4,
      requirementsAdded: 0,
      requirementsRemoved: 1,
      commitmentsAdded: 0,
      commitmentsRemoved: 0,
      commitmentsMarked: 0,
    })
    feasibility = await getNarrativeFeasibility(actor, narrative.id)
    expect(feasibility.requirements.map((r) => r.summary)).toEqual(['Lead scoring'])
  })

  it('searches capabilities and systems for #, metrics for $; readers get none', async () => {
    const ws = await buildWorkspace()
    await createCapability(ws.owner.actor, CapabilityInputSchema.parse({ name: 'Zebra routing' }))
    await createSystem(ws.owner.actor, SystemInputSchema.parse({ name: 'Zendesk', category: 'other', lifecycle: 'active' }))
    const found = await searchReferences(ws.editor.actor, { trigger: 'hash', q: 'ze' })
    expect(found.map((o) => `${o.kind}:${o.label}`)).toEqual(['capability:Zebra routing', 'system:Zendesk'])
    expect(await searchReferences(ws.editor.actor, { trigger: 'dollar', q: 'ze' })).toEqual([])
    await expect(searchReferences(ws.reader.actor, { trigger: 'hash', q: '' })).rejects.toMatchObject({ status: 403 })
  })
})

describe('commitments derived from metric chips', () => {
  /** A metric with an actual last month and a target for the current fiscal year (calendar years here). */
  async function pipelineWithFigures(actor: Parameters<typeof createMetric>[0], key = 'pipeline') {
    await createMetric(
      actor,
      MetricInputSchema.parse({
        key,
        name: key === 'pipeline' ? 'Pipeline' : 'Win rate',
        unit: key === 'pipeline' ? 'count' : 'percent',
        direction: 'higher',
        indicator: key === 'pipeline' ? 'leading' : 'lagging',
        aggregation: 'last',
      }),
    )
    const cal = { startMonth: 1 }
    const lastMonth = shiftPeriod(periodOf(today(), 'month', cal), -1, cal)
    const year = periodOf(today(), 'year', cal)
    await putValues(actor, key, 'actual', [{ period: periodKey(lastMonth), value: key === 'pipeline' ? 4_000_000 : 20 }])
    await putValues(actor, key, 'target', [{ period: periodKey(year), value: key === 'pipeline' ? 4_600_000 : 25 }])
    const [option] = (await searchReferences(actor, { trigger: 'dollar', q: key })).filter((o) => o.key === key)
    return { id: option!.id, key, label: option!.label, yearEnd: formatDate(periodRange(year, cal).end - 1) }
  }
  const chip = (m: { id: string; key: string; label: string }) => ({ kind: 'metric' as const, refId: m.id, refKey: m.key, label: m.label })
  const refs = (update: Uint8Array) => deriveContent(update).refs

  it('a $ chip commits the narrative from the latest actual to the fiscal-year target; the chip leaving removes it', async () => {
    const ws = await buildWorkspace()
    const actor = ws.owner.actor
    const narrative = await buildNarrative(ws.owner)
    const pipeline = await pipelineWithFigures(actor)

    const withChip = refs(docWith([chip(pipeline)]))
    expect(await syncNarrativeLinks(sql, narrative.id, withChip)).toMatchObject({ linksAdded: 1, commitmentsAdded: 1 })
    // Idempotent: the same text commits once.
    expect(await syncNarrativeLinks(sql, narrative.id, withChip)).toMatchObject({ commitmentsAdded: 0, commitmentsRemoved: 0 })
    let list = await listCommitmentsFor(ws.editor.actor, narrative.id)
    expect(list.commitments).toHaveLength(1)
    expect(list.commitments[0]).toMatchObject({
      source: 'text',
      inText: true,
      baseline: 4_000_000,
      target: 4_600_000,
      granularity: 'month',
      dueOn: pipeline.yearEnd,
      metricKey: 'pipeline',
    })
    // The side panel lists it as a commitment, no longer as a bare citation.
    const evidence = await getNarrativeEvidence(actor, narrative.id, { capability: [], system: [], metric: [pipeline.id] })
    expect(evidence.metrics.commitments.map((c) => [c.key, c.source])).toEqual([['pipeline', 'text']])
    expect(evidence.metrics.cited).toEqual([])

    // The chip is deleted from the text: the untouched derived commitment goes with it.
    expect(await syncNarrativeLinks(sql, narrative.id, refs(docWith([])))).toMatchObject({ linksRemoved: 1, commitmentsRemoved: 1 })
    list = await listCommitmentsFor(actor, narrative.id)
    expect(list.commitments).toEqual([])
  })

  it('an edited derived commitment outlives its chip, marked; hand-entered ones are never touched', async () => {
    const ws = await buildWorkspace()
    const actor = ws.editor.actor
    const narrative = await buildNarrative(ws.owner)
    const pipeline = await pipelineWithFigures(ws.owner.actor)
    const winRate = await pipelineWithFigures(ws.owner.actor, 'win_rate')
    // Win rate committed by hand first: its chip does not add a second commitment.
    await addCommitment(
      actor,
      narrative.id,
      CommitmentInputSchema.parse({ metricKey: 'win_rate', baseline: '20', target: '30', dueOn: '2099-03-31' }),
    )
    expect(await syncNarrativeLinks(sql, narrative.id, refs(docWith([chip(pipeline), chip(winRate)])))).toMatchObject({
      commitmentsAdded: 1,
    })
    let list = await listCommitmentsFor(actor, narrative.id)
    expect(list.commitments.map((c) => `${c.metricKey}:${c.source}`).sort()).toEqual(['pipeline:text', 'win_rate:manual'])
    const derived = list.commitments.find((c) => c.source === 'text')!

    // A person raises the target: the commitment is now theirs.
    await updateCommitment(
      actor,
      narrative.id,
      CommitmentUpdateSchema.parse({ commitmentId: derived.id, baseline: '4000000', target: '5000000', dueOn: '2099-06-30' }),
    )
    // A commenter may not.
    await expect(
      updateCommitment(
        ws.commenter.actor,
        narrative.id,
        CommitmentUpdateSchema.parse({ commitmentId: derived.id, baseline: '1', target: '2', dueOn: '2099-06-30' }),
      ),
    ).rejects.toMatchObject({ status: 403 })
    // Bad terms are refused with a field error.
    await expect(
      updateCommitment(
        actor,
        narrative.id,
        CommitmentUpdateSchema.parse({ commitmentId: derived.id, baseline: '5', target: '5', dueOn: '2099-06-30' }),
      ),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { target: ['The target must differ from the baseline'] } })

    // Every chip removed: the edited one stays, marked; the hand-entered one is untouched.
    expect(await syncNarrativeLinks(sql, narrative.id, refs(docWith([])))).toMatchObject({
      commitmentsAdded: 0,
      commitmentsRemoved: 0,
      commitmentsMarked: 1,
    })
    list = await listCommitmentsFor(actor, narrative.id)
    expect(list.commitments.map((c) => [c.metricKey, c.source, c.inText, c.target]).sort()).toEqual([
      ['pipeline', 'text', false, 5_000_000],
      ['win_rate', 'manual', true, 30],
    ])
    // The chip comes back: the same commitment is in the text again (no second one).
    expect(await syncNarrativeLinks(sql, narrative.id, refs(docWith([chip(pipeline)])))).toMatchObject({
      commitmentsAdded: 0,
      commitmentsMarked: 1,
    })
    list = await listCommitmentsFor(actor, narrative.id)
    expect(list.commitments.filter((c) => c.metricKey === 'pipeline').map((c) => [c.inText, c.target])).toEqual([[true, 5_000_000]])
  })

  it('a metric without actuals or targets ahead is only cited', async () => {
    const ws = await buildWorkspace()
    const narrative = await buildNarrative(ws.owner)
    await createMetric(
      ws.owner.actor,
      MetricInputSchema.parse({ key: 'cac', name: 'CAC', unit: 'count', direction: 'lower', indicator: 'lagging', aggregation: 'average' }),
    )
    const cal = { startMonth: 1 }
    await putValues(ws.owner.actor, 'cac', 'actual', [
      { period: periodKey(shiftPeriod(periodOf(today(), 'month', cal), -1, cal)), value: 900 },
    ])
    const [cac] = (await searchReferences(ws.owner.actor, { trigger: 'dollar', q: 'cac' })).filter((o) => o.key === 'cac')
    expect(await syncNarrativeLinks(sql, narrative.id, refs(docWith([chip({ id: cac!.id, key: 'cac', label: 'CAC' })])))).toMatchObject({
      linksAdded: 1,
      commitmentsAdded: 0,
    })
  })
})
