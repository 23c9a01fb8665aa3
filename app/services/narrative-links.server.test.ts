import { describe, expect, it } from 'vitest'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { $createChipNode, $isChipNode } from '#app/editor/nodes/ChipNode.ts'
import { CapabilityInputSchema, RequirementInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { createMetric } from './metrics.server.ts'
import { addRequirement, getNarrativeFeasibility } from './feasibility.server.ts'
import { createCapability, createSystem } from './inventory.server.ts'
import { buildUpdateWith, readDocWith } from '#server/collab/lexical.ts'
import { deriveContent } from '#server/collab/content.ts'
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
    })
    // Idempotent.
    expect(await syncNarrativeLinks(sql, narrative.id, chips)).toEqual({
      linksAdded: 0,
      linksRemoved: 0,
      requirementsAdded: 0,
      requirementsRemoved: 0,
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
