import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  spawnCollabChild,
  type ChildServer,
  type Fixture,
  type TestClient,
} from '#test/collab-helpers.ts'

// RECONNECT_STORM_CLIENTS bounds the count for slow CI machines; 1,000 by default.
const CLIENTS = Number(process.env.RECONNECT_STORM_CLIENTS ?? 1000)
const PER_DOC = 4
const DOCS = Math.ceil(CLIENTS / PER_DOC)
// A small load queue, so the storm meets admission control (4504) instead of queueing everything.
const LIMITS = JSON.stringify({ maxConcurrentLoads: 4, maxQueuedLoads: 8 })

const db = await useTestDatabase()
let fx: Fixture
let server: ChildServer
const clients: TestClient[] = []

beforeAll(async () => {
  fx = await createCollabFixture(db.sql)
  server = await spawnCollabChild(db.url, 0, { COLLAB_LIMITS: LIMITS })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.stop()
})

test(`${CLIENTS} clients on ${DOCS} narratives reconnecting at once after a restart are all re-synced`, async () => {
  const ids: string[] = []
  for (let d = 0; d < DOCS; d++) ids.push(await fx.newNarrative())
  const people = [fx.owner, fx.editor]
  const byDoc: TestClient[][] = ids.map(() => [])
  for (let i = 0; i < CLIENTS; i++) {
    const d = i % DOCS
    const c = connectClient(server.url, ids[d]!, { cookie: people[i % 2]!.cookie }, { jitterOnRetryLater: true })
    clients.push(c)
    byDoc[d]!.push(c)
  }
  await vi.waitFor(() => expect(clients.filter((c) => !c.provider.synced)).toHaveLength(0), { timeout: 120_000, interval: 250 })
  byDoc.forEach((group, d) => group[0]!.type(`before-${d};`))
  await vi.waitFor(() => expect(byDoc.every((group) => group[0]!.ackedOnSocket() === group[0]!.sentOnSocket())).toBe(true), {
    timeout: 30_000,
  })
  const closesBefore = clients.reduce((n, c) => n + c.closes.length, 0)

  // Restart on the same port; every client's socket closes and all of them come back at once.
  const port = server.port
  await server.stop()
  server = await spawnCollabChild(db.url, port, { COLLAB_LIMITS: LIMITS })
  const started = performance.now()
  await vi.waitFor(() => expect(clients.filter((c) => !c.provider.synced || c.socketNo() < 2)).toHaveLength(0), {
    timeout: 150_000,
    interval: 100,
  })
  const resyncMs = performance.now() - started
  const closes = clients.flatMap((c) => c.closes).slice(closesBefore)
  const retryLater = closes.filter((c) => c.code === CloseCode.RetryLater).length
  console.log(
    `reconnect storm: ${CLIENTS} clients on ${DOCS} narratives re-synced ${resyncMs.toFixed(0)} ms after the restarted instance listened; ${retryLater} admissions refused with 4504 and retried with jitter`,
  )
  // Nobody was refused for good (only "going away" from the old process and "retry later").
  expect(clients.filter((c) => c.provider.wsconnected === false)).toHaveLength(0)
  expect(new Set(closes.map((c) => c.code)).size).toBeGreaterThan(0)
  for (const c of closes) expect([1001, 1005, 1006, CloseCode.RetryLater]).toContain(c.code)

  // Re-synced for real: each narrative's content is back, and a new edit reaches its other clients.
  byDoc.forEach((group, d) => {
    for (const c of group) expect(c.text()).toContain(`before-${d};`)
    group[1]!.type(`after-${d};`)
  })
  await vi.waitFor(
    () => {
      byDoc.forEach((group, d) => {
        for (const c of group) expect(c.text()).toBe(`before-${d};after-${d};`)
      })
    },
    { timeout: 60_000, interval: 250 },
  )
  await vi.waitFor(() => expect(byDoc.every((group) => group[1]!.ackedOnSocket() === group[1]!.sentOnSocket())).toBe(true), {
    timeout: 60_000,
  })
  for (const d of [0, DOCS - 1]) expect((await loadStoredDoc(db.sql, ids[d]!)).getText('probe').toString()).toBe(`before-${d};after-${d};`)
}, 400_000)
