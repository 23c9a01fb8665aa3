import postgres from 'postgres'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { migrate } from '#db/migrate.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  spawnCollabChild,
  type ChildServer,
  type Fixture,
  type TestClient,
} from '#test/collab-helpers.ts'
import { startThrowawayPostgres, type ThrowawayPostgres } from '#test/throwaway-pg.ts'

// A real PostgreSQL cluster of this test's own (initdb/pg_ctl in a temp dir, free port): the test
// crashes it (pg_ctl stop -m immediate) under a running collaboration server and starts it again.
let pg: ThrowawayPostgres
let sql: postgres.Sql
let fx: Fixture
let server: ChildServer | null = null
const clients: TestClient[] = []

beforeAll(async () => {
  pg = await startThrowawayPostgres()
  sql = postgres(pg.url, { max: 2, onnotice: () => {} })
  await migrate(sql)
  fx = await createCollabFixture(sql)
}, 120_000)
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.stop()
  await sql?.end({ timeout: 1 }).catch(() => {})
  pg?.destroy()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('PostgreSQL crashes mid-edit: peers keep editing together, nothing is acknowledged while it is down, everything is committed once when it returns', async () => {
  server = await spawnCollabChild(pg.url)
  const id = await fx.newNarrative()
  const ca = connectClient(server.url, id, { cookie: fx.owner.cookie })
  const cb = connectClient(server.url, id, { cookie: fx.editor.cookie })
  clients.push(ca, cb)
  await vi.waitFor(() => expect(ca.provider.synced && cb.provider.synced).toBe(true), { timeout: 15_000 })
  for (let i = 0; i < 5; i++) {
    ca.type(`A${i};`)
    cb.type(`B${i};`)
  }
  await vi.waitFor(() => expect([ca.ackedOnSocket(), cb.ackedOnSocket()]).toEqual([ca.sentOnSocket(), cb.sentOnSocket()]), {
    timeout: 15_000,
  })
  const savedBefore = [ca.saved.length, cb.saved.length]

  // Crash: no checkpoint, every connection cut.
  pg.stop('immediate')
  for (let i = 5; i < 45; i++) {
    ca.type(`A${i};`)
    cb.type(`B${i};`)
    if (i % 10 === 0) await sleep(50)
  }
  // The instance keeps serving: each client sees the other's edits while the database is down.
  await vi.waitFor(
    () => {
      expect(cb.text()).toContain('A44;')
      expect(ca.text()).toContain('B44;')
      expect(ca.text()).toBe(cb.text())
    },
    { timeout: 15_000 },
  )
  // …and says honestly that they are not saved: no MESSAGE_SAVED arrives while it is down (the
  // editor's save state stays "Saving…", sent > acknowledged). Give the server time to try.
  await sleep(2000)
  expect([ca.saved.length, cb.saved.length]).toEqual(savedBefore)
  expect(ca.ackedOnSocket()).toBeLessThan(ca.sentOnSocket())
  expect(cb.ackedOnSocket()).toBeLessThan(cb.sentOnSocket())
  // Nothing of the outage reached the database (it is down; checked again below after restart).

  pg.start()
  // The committer retries (backoff ≤ 5 s) and commits everything once the database is back.
  await vi.waitFor(() => expect([ca.ackedOnSocket(), cb.ackedOnSocket()]).toEqual([ca.sentOnSocket(), cb.sentOnSocket()]), {
    timeout: 60_000,
    interval: 200,
  })
  // Same sockets throughout: the outage did not cost anyone their connection.
  expect([ca.socketNo(), cb.socketNo()]).toEqual([1, 1])
  const stored = (await loadStoredDoc(sql, id)).getText('probe').toString()
  expect(stored).toBe(ca.text())
  const tokens = stored.split(';').filter(Boolean)
  expect(tokens).toHaveLength(90)
  expect(new Set(tokens).size).toBe(90)
  for (let i = 0; i < 45; i++) {
    expect(tokens).toContain(`A${i}`)
    expect(tokens).toContain(`B${i}`)
  }
}, 150_000)
