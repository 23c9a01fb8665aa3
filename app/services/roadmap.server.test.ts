import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildMember, buildNarrative, buildWorkspace } from '#test/factories.ts'
import { InitiativeInputSchema, StanceInputSchema } from '#app/schemas/roadmap.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { RequirementInputSchema } from '#app/schemas/inventory.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { addRequirement } from './feasibility.server.ts'
import { countUnreadFor, listNotificationsFor } from './notifications.server.ts'
import {
  createInitiative,
  deleteInitiative,
  getInitiativeDetailFor,
  getInitiativeFor,
  getRoadmapFor,
  moveInitiative,
  runInitiativeCommentIntent,
  setStance,
  updateInitiative,
  updateWeights,
  withdrawStance,
} from './roadmap.server.ts'

await useTestDatabase()

const status = async (p: Promise<unknown>) => {
  try {
    await p
    return 200
  } catch (e) {
    return (e as { status?: number }).status
  }
}

const input = (over: Record<string, unknown> = {}) =>
  InitiativeInputSchema.parse({ title: 'Intent data in the ABM programme', timeframe: '2027-Q1', effort: 'M', ...over })

describe('initiatives', () => {
  it('an editor creates an initiative; impacts link to the metric dictionary and the score explains itself', async () => {
    const ws = await buildWorkspace()
    await createMetric(
      ws.owner.actor,
      MetricInputSchema.parse({
        key: 'pipeline',
        name: 'Pipeline',
        unit: 'count',
        direction: 'higher',
        indicator: 'leading',
        aggregation: 'sum',
      }),
    )
    const created = await createInitiative(
      ws.editor.actor,
      input({
        ownerId: ws.owner.id,
        impacts: [
          { metric: 'pipeline', expectedChange: 6, confidence: 0.5 },
          { metric: 'not_in_dictionary', expectedChange: 2, confidence: 1 },
        ],
      }),
    )
    expect(created).toMatchObject({ title: 'Intent data in the ABM programme', timeframeLabel: 'FY27 Q1', owner: { id: ws.owner.id } })
    expect(created.impacts.map((i) => [i.metricKey, i.metricName, i.metricId !== null])).toEqual([
      ['pipeline', 'Pipeline', true],
      ['not_in_dictionary', null, false],
    ])
    expect(created.breakdown.score).toBe(2.5) // (6 × 1 × 0.5 + 2 × 1 × 1) ÷ 2
    expect(created.breakdown.formula).toBe('(+6% × 1 × 0.5 + +2% × 1 × 1) ÷ 2 = 2.5')
    expect(created.feasibility).toEqual({ status: 'unknown', source: 'none', requirements: 0 })

    await updateWeights(ws.owner.actor, { metrics: { pipeline: 3 }, defaultWeight: 1, penaliseFailing: true, failFactor: 0.5 })
    expect((await getInitiativeFor(ws.owner.actor, created.id)).breakdown.score).toBe(5.5)
    expect(await status(updateWeights(ws.editor.actor, { metrics: {}, defaultWeight: 1, penaliseFailing: false, failFactor: 1 }))).toBe(403)
  })

  it('commenters and readers cannot create or edit; readers cannot see the roadmap; foreign members get 404', async () => {
    const [ws, other] = await Promise.all([buildWorkspace(), buildWorkspace()])
    expect(await status(createInitiative(ws.commenter.actor, input()))).toBe(403)
    expect(await status(createInitiative(ws.reader.actor, input()))).toBe(403)
    const created = await createInitiative(ws.owner.actor, input())
    expect(await status(updateInitiative(ws.commenter.actor, created.id, { title: 'x' }))).toBe(403)
    expect(await status(deleteInitiative(ws.commenter.actor, created.id))).toBe(403)
    expect(await status(getRoadmapFor(ws.reader.actor))).toBe(403)
    expect(await status(getInitiativeFor(other.owner.actor, created.id))).toBe(404)
    expect(await status(updateInitiative(other.owner.actor, created.id, { title: 'x' }))).toBe(404)
    expect(await status(createInitiative(ws.owner.actor, input({ ownerId: other.owner.id })))).toBe(400)
    expect(await status(createInitiative(ws.owner.actor, input({ narrativeId: (await buildNarrative(other.owner)).id })))).toBe(400)
  })

  it('updates fields, person-weeks set the size, and delete removes it', async () => {
    const ws = await buildWorkspace()
    const created = await createInitiative(ws.owner.actor, input())
    const updated = await updateInitiative(ws.editor.actor, created.id, { status: 'planned', effortWeeks: 6, description: 'Why' })
    expect(updated).toMatchObject({ status: 'planned', effort: 'XL', effortWeeks: 6, description: 'Why', title: created.title })
    expect(updated.breakdown.effort.points).toBe(6)
    await deleteInitiative(ws.editor.actor, created.id)
    expect(await status(getInitiativeFor(ws.owner.actor, created.id))).toBe(404)
  })

  it('moves initiatives between quarters and within a column, keeping the order', async () => {
    const ws = await buildWorkspace()
    const [a, b, c] = [
      await createInitiative(ws.owner.actor, input({ title: 'A' })),
      await createInitiative(ws.owner.actor, input({ title: 'B' })),
      await createInitiative(ws.owner.actor, input({ title: 'C', timeframe: '2027-Q2' })),
    ]
    await moveInitiative(ws.editor.actor, c!.id, { timeframe: '2027-Q1', index: 1 })
    const column = async (t: string) =>
      (await getRoadmapFor(ws.owner.actor)).initiatives
        .filter((i) => i.timeframe === t)
        .sort((x, y) => x.position - y.position)
        .map((i) => i.title)
    expect(await column('2027-Q1')).toEqual(['A', 'C', 'B'])
    await moveInitiative(ws.editor.actor, a!.id, { timeframe: 'next', index: 99 })
    expect(await column('2027-Q1')).toEqual(['C', 'B'])
    expect(await column('next')).toEqual(['A'])
    expect(await status(moveInitiative(ws.commenter.actor, b!.id, { timeframe: '2027-Q3', index: 0 }))).toBe(403)
  })

  it('shows the linked narrative’s feasibility, flagged and penalised when it fails', async () => {
    const ws = await buildWorkspace()
    const narrative = await buildNarrative(ws.owner)
    await addRequirement(
      ws.owner.actor,
      narrative.id,
      RequirementInputSchema.parse({ kind: 'capability', capability: 'Telepathy', system: 'Nowhere' }),
    )
    const created = await createInitiative(
      ws.owner.actor,
      input({ narrativeId: narrative.id, impacts: [{ metric: 'revenue', expectedChange: 4, confidence: 1 }] }),
    )
    expect(created.narrative).toEqual({ id: narrative.id, title: narrative.title })
    expect(created.feasibility.source).toBe('narrative')
    expect(created.feasibility.requirements).toBe(1)
    expect(['unknown', 'fail']).toContain(created.feasibility.status)
  })
})

describe('stances', () => {
  it('a commenter gives a stance with their function; a new one replaces it; the owner is notified; readers are refused', async () => {
    const ws = await buildWorkspace()
    const finance = await buildMember(ws.owner, 'commenter', 'finance')
    const created = await createInitiative(ws.editor.actor, input({ ownerId: ws.editor.id }))
    const first = await setStance(
      ws.commenter.actor,
      created.id,
      StanceInputSchema.parse({ stance: 'concern', reason: 'Sales capacity in Q1' }),
    )
    expect(first.created).toBe(true)
    const again = await setStance(ws.commenter.actor, created.id, { stance: 'support', reason: 'Capacity is sorted' })
    expect(again.created).toBe(false)
    expect(again.stances).toHaveLength(1)
    expect(again.stances[0]).toMatchObject({ stance: 'support', function: 'sales', functionLabel: 'Sales' })
    await setStance(finance.actor, created.id, { stance: 'block', reason: 'No budget line' })
    await setStance(ws.owner.actor, created.id, { stance: 'support', reason: 'Fits the revenue goal' })

    const view = await getInitiativeFor(ws.owner.actor, created.id)
    expect(view.input.map((c) => [c.label, c.support, c.concern, c.block])).toEqual([
      ['Sales', 1, 0, 0],
      ['Finance', 0, 0, 1],
      ['Other', 1, 0, 0],
    ])
    expect(await countUnreadFor(ws.editor.actor)).toBe(4)
    const [latest] = await listNotificationsFor(ws.editor.actor)
    expect(latest).toMatchObject({ kind: 'stance', target: { kind: 'initiative', id: created.id, href: `/roadmap/${created.id}` } })

    expect(await status(setStance(ws.reader.actor, created.id, { stance: 'support', reason: 'x' }))).toBe(403)
    await withdrawStance(ws.commenter.actor, created.id)
    expect((await getInitiativeDetailFor(ws.owner.actor, created.id)).stances).toHaveLength(2)
  })

  it('the discussion on an initiative: a commenter starts a thread, mentions notify, replies stay on that initiative', async () => {
    const ws = await buildWorkspace()
    const [one, two] = [await createInitiative(ws.owner.actor, input()), await createInitiative(ws.owner.actor, input({ title: 'Two' }))]
    const { threadId } = await runInitiativeCommentIntent(ws.commenter.actor, one.id, {
      intent: 'new',
      body: `@${ws.owner.name} what about Q2?`,
    })
    expect(await countUnreadFor(ws.owner.actor)).toBe(1)
    await runInitiativeCommentIntent(ws.owner.actor, one.id, { intent: 'reply', threadId: threadId!, body: 'Q2 works' })
    expect(
      await status(runInitiativeCommentIntent(ws.owner.actor, two.id, { intent: 'reply', threadId: threadId!, body: 'wrong place' })),
    ).toBe(404)
    expect(await status(runInitiativeCommentIntent(ws.reader.actor, one.id, { intent: 'new', body: 'hi' }))).toBe(403)
    const detail = await getInitiativeDetailFor(ws.commenter.actor, one.id)
    expect(detail.threads).toHaveLength(1)
    expect(detail.threads[0]!.comments.map((c) => c.body)).toEqual([`@${ws.owner.name} what about Q2?`, 'Q2 works'])
    expect(detail.can).toEqual({ edit: false, stance: true, comment: true, weights: false })
  })
})
