import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { seedDemo } from '#test/demo.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { readDocWith } from '#app/document/lexical.ts'
import { $getRoot } from 'lexical'
import { $isTableNode } from '@lexical/table'
import * as Y from 'yjs'
import type { Actor } from '#app/domain/policies.ts'
import { getNarrativeFor } from './narratives.server.ts'
import { startReviewNarrative } from './review-narrative.server.ts'
import { getReviewFor, saveReviewNote } from '#app/services/metrics/review.server.ts'
import { ReviewNoteSchema } from '#app/schemas/metrics.ts'

const db = await useTestDatabase()
const { workspaceId, people } = await seedDemo(db.sql, { password: 'demo-password-1' })
const as = (email: string, role: Actor['role'], fn?: Actor['function']): Actor => ({
  userId: people[email]!,
  workspaceId,
  role,
  function: fn,
})

describe('a review narrative started from the review page', () => {
  it("is a QBR pre-filled with the period's results, movers and commitments, as real tables", async () => {
    const mops = as('mops@acme.test', 'owner')
    const n = await startReviewNarrative(mops, { cadence: 'quarter', period: '2027-Q3' })
    const stored = await getNarrativeFor(mops, n.id)
    expect(stored.template).toBe('qbr')
    expect(stored.title).toMatch(/marketing business review$/)
    expect(stored.outline.map((o) => o.text)).toEqual([
      'Highlights',
      'Results against targets',
      'What worked and what did not',
      'Pipeline and revenue',
      'Next quarter',
    ])
    expect(stored.text).toContain('Marketing-sourced pipeline')
    expect(stored.text).toContain('Commitments falling due')

    const log = await getNarrativeLog(db.sql, n.id)
    const doc = new Y.Doc()
    for (const u of log.updates) Y.applyUpdate(doc, u.data)
    const tables = readDocWith(Y.encodeStateAsUpdate(doc), () => $getRoot().getChildren().filter($isTableNode).length)
    expect(tables).toBe(2)
  })

  it('is refused to commenters and readers, who cannot create narratives', async () => {
    await expect(startReviewNarrative(as('finance@acme.test', 'commenter'), { cadence: 'month' })).rejects.toMatchObject({ status: 403 })
    await expect(startReviewNarrative(as('ceo@acme.test', 'reader'), { cadence: 'month' })).rejects.toMatchObject({ status: 403 })
  })

  it("carries the review's notes — overall and per metric line — written by editors and the metric's owner function", async () => {
    const cmo = as('cmo@acme.test', 'editor', 'marketing')
    const finance = as('finance@acme.test', 'commenter', 'finance')
    const sales = as('sales@acme.test', 'commenter', 'sales')
    const ceo = as('ceo@acme.test', 'reader', 'leadership')
    const note = (input: Record<string, string>) => ReviewNoteSchema.parse({ cadence: 'month', period: '2026-10', ...input })
    await saveReviewNote(cmo, note({ body: 'Conversion held; the budget shift starts paying back.' }))
    // Finance owns revenue: a note on its line, but not the review's overall note or another function's line.
    await saveReviewNote(finance, note({ metricKey: 'revenue', body: 'October includes the | Globex *renewal* true-up.' }))
    await expect(saveReviewNote(finance, note({ body: 'mine' }))).rejects.toMatchObject({ status: 403 })
    await expect(saveReviewNote(finance, note({ metricKey: 'mqls', body: 'x' }))).rejects.toMatchObject({ status: 403 })
    await expect(saveReviewNote(sales, note({ metricKey: 'revenue', body: 'x' }))).rejects.toMatchObject({ status: 403 })
    await expect(saveReviewNote(ceo, note({ metricKey: 'revenue', body: 'x' }))).rejects.toMatchObject({ status: 403 })
    // A period of another cadence is a 400.
    await expect(saveReviewNote(cmo, note({ period: '2027-Q3', body: 'x' }))).rejects.toMatchObject({ status: 400 })
    // Written again: replaced, not added.
    await saveReviewNote(cmo, note({ body: 'Conversion held; the budget shift pays back from November.' }))

    // Everyone reads them, readers included.
    const review = await getReviewFor(ceo, { cadence: 'month', period: '2026-10' })
    expect(review.notes.overall?.body).toBe('Conversion held; the budget shift pays back from November.')
    expect(Object.values(review.notes.byMetric).map((n) => n.body)).toEqual(['October includes the | Globex *renewal* true-up.'])
    expect(review.can).toMatchObject({ noteOverall: false })

    const n = await startReviewNarrative(cmo, { cadence: 'month', period: '2026-10' })
    const stored = await getNarrativeFor(cmo, n.id)
    expect(stored.text).toContain('Conversion held; the budget shift pays back from November.')
    expect(stored.text).toContain('Revenue: October includes the | Globex *renewal* true-up.')

    // Emptied: removed.
    await saveReviewNote(cmo, note({ body: '' }))
    expect((await getReviewFor(cmo, { cadence: 'month', period: '2026-10' })).notes.overall).toBeNull()
  })
})
