import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { seedDemo } from '#server/seed.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { readDocWith } from '#server/collab/lexical.ts'
import { $getRoot } from 'lexical'
import { $isTableNode } from '@lexical/table'
import * as Y from 'yjs'
import type { Actor } from '#app/domain/policies.ts'
import { getNarrativeFor } from './narratives.server.ts'
import { startReviewNarrative } from './review-narrative.server.ts'

const db = await useTestDatabase()
const { workspaceId, people } = await seedDemo(db.sql, { password: 'demo-password-1' })
const as = (email: string, role: Actor['role']): Actor => ({ userId: people[email]!, workspaceId, role })

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
})
