import { randomUUID } from 'node:crypto'
import { beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { createCollabFixture, type Fixture } from '#test/collab-helpers.ts'
import { Committer, type CommitSource } from './committer.ts'

const db = await useTestDatabase()
const sql = db.sql
let fx: Fixture
beforeAll(async () => {
  fx = await createCollabFixture(sql)
})

function source(id: string, rows: number, authorId: string | null) {
  const queue = Array.from({ length: rows }, (_, i) => ({ data: Uint8Array.of(i % 256, 1, 2, 3), authorId }))
  const s = {
    id,
    committedCounts: [] as number[],
    wasDeleted: false,
    pendingRows: () => queue,
    committed: (count: number) => {
      queue.splice(0, count)
      s.committedCounts.push(count)
    },
    deleted: () => {
      queue.length = 0
      s.wasDeleted = true
    },
    push: (n: number) => queue.push(...Array.from({ length: n }, () => ({ data: Uint8Array.of(9), authorId }))),
  }
  return s satisfies CommitSource
}

test('rows of many documents go into one commit; a deleted narrative drops only its own rows', async () => {
  const committer = new Committer(sql)
  const ids = await Promise.all(Array.from({ length: 30 }, () => fx.newNarrative()))
  const sources = ids.map((id) => source(id, 10, fx.editor.userId))
  const gone = source(randomUUID(), 5, null)
  for (const s of [...sources.slice(0, 15), gone, ...sources.slice(15)]) committer.schedule(s)
  await vi.waitFor(() => expect(sources.every((s) => s.pendingRows().length === 0)).toBe(true))
  expect(gone.wasDeleted).toBe(true)
  expect(committer.stats).toEqual({ commits: 1, rows: 300 })
  for (const s of sources) expect(s.committedCounts).toEqual([10])
  const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from narrative_updates where narrative_id = any(${ids}::uuid[])`
  expect(n).toBe(300)
  const edited = await sql<{ lastEditedBy: string }[]>`
    select last_edited_by as "lastEditedBy" from narratives where id = any(${ids}::uuid[])`
  expect(edited.every((r) => r.lastEditedBy === fx.editor.userId)).toBe(true)
  // Byte-exact, in order per narrative.
  const rows = await sql<{ data: Buffer }[]>`select data from narrative_updates where narrative_id = ${ids[0]!} order by seq`
  expect(rows.map((r) => r.data[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
})

test('rows that arrive while a commit is in flight are committed together in the next one', async () => {
  const committer = new Committer(sql)
  const ids = await Promise.all(Array.from({ length: 10 }, () => fx.newNarrative()))
  const sources = ids.map((id) => source(id, 1, null))
  committer.schedule(sources[0]!)
  await new Promise((r) => setImmediate(r))
  // The first commit is in flight now; these accumulate.
  for (const s of sources.slice(1)) committer.schedule(s)
  await vi.waitFor(() => expect(sources.every((s) => s.pendingRows().length === 0)).toBe(true))
  expect(committer.stats).toEqual({ commits: 2, rows: 10 })
})
