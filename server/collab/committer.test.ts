import { randomUUID } from 'node:crypto'
import { beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { createCollabFixture, type Fixture } from '#test/collab-helpers.ts'
import { allowConsoleError } from '#test/setup.ts'
import { Committer, type CommitSource } from './committer.ts'

const db = await useTestDatabase()
const sql = db.sql
let fx: Fixture
beforeAll(async () => {
  fx = await createCollabFixture(sql)
})

function source(id: string, rows: number, authorId: string | null) {
  let failures = 0
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
    failed: () => {
      failures++
      queue.length = 0
    },
    failures: () => failures,
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
  await vi.waitFor(() => expect(sources.every((s) => s.pendingRows().length === 0)).toBe(true), { timeout: 10_000 })
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
  await vi.waitFor(() => expect(sources.every((s) => s.pendingRows().length === 0)).toBe(true), { timeout: 10_000 })
  expect(committer.stats).toEqual({ commits: 2, rows: 10 })
})

test('an author deleted while their edits wait is stored as no author; the edits are committed, not retried forever', async () => {
  const committer = new Committer(sql)
  const [gone] = await sql<[{ id: string }]>`
    insert into users (name, email, password_hash) values ('Leaver', ${`leaver-${randomUUID()}@example.test`}, 'x') returning id`
  await sql`delete from users where id = ${gone.id}`
  const id = await fx.newNarrative()
  const edits = source(id, 4, gone.id)
  const other = source(await fx.newNarrative(), 3, fx.editor.userId)
  committer.schedule(edits)
  committer.schedule(other)
  await vi.waitFor(() => expect([edits.pendingRows().length, other.pendingRows().length]).toEqual([0, 0]), { timeout: 10_000 })
  expect(edits.committedCounts).toEqual([4])
  expect(other.committedCounts).toEqual([3])
  const rows = await sql<{ authorId: string | null }[]>`select author_id as "authorId" from narrative_updates where narrative_id = ${id}`
  expect(rows.filter((r) => r.authorId === null)).toHaveLength(4)
})

test('a document whose rows fail for good (not a lost connection) does not hold back the others, and is given back after a few tries', async () => {
  allowConsoleError()
  const committer = new Committer(sql)
  const good = await Promise.all(Array.from({ length: 5 }, () => fx.newNarrative()).map(async (p) => source(await p, 2, fx.editor.userId)))
  // 22P02: not a uuid. Nothing a retry can fix.
  const poison = source(await fx.newNarrative(), 2, 'not-a-uuid')
  for (const s of [good[0]!, poison, ...good.slice(1)]) committer.schedule(s)
  await vi.waitFor(() => expect(good.every((s) => s.pendingRows().length === 0)).toBe(true), { timeout: 10_000 })
  for (const s of good) expect(s.committedCounts).toEqual([2])
  // Given back (the document resets: its clients re-send to a fresh load) instead of looping.
  await vi.waitFor(() => expect(poison.failures()).toBe(1), { timeout: 20_000 })
  expect(poison.committedCounts).toEqual([])
})
