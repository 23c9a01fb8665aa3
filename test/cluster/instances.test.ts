import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { connectRedis } from '#server/events/redis.ts'
import { upsertMembership } from '#db/queries/workspaces.ts'
import { updateNarrativeStatus } from '#db/queries/narratives.ts'
import { getPresenceOf } from '#app/document/live.ts'
import { mergePresence, PRESENCE_STALE_MS } from '#server/collab/presence.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  spawnCollabChild,
  startCollabServer,
  type ChildServer,
  type Fixture,
  type TestClient,
} from '#test/collab-helpers.ts'

// Our own redis-server on its own port (never the shared one), so the test can stop it. The port
// is one the kernel just handed out as free, and startRedis checks that the server answering on it
// is the process it spawned: a stray redis-server already on a random port (another run's) would
// otherwise answer instead, and "stopping Redis" would stop nothing.
const REDIS_PORT = await freePort()
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`
const db = await useTestDatabase()
let fx: Fixture
let redis: ChildProcess | null = null
const children: ChildServer[] = []
const clients: TestClient[] = []

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
async function startRedis() {
  const r = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  redis = r
  const probe = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null })
  probe.on('error', () => {})
  await probe.connect().catch(() => {})
  await vi.waitFor(async () => expect(await probe.ping()).toBe('PONG'), { timeout: 5000 })
  const info = await probe.info('server')
  probe.disconnect()
  expect(r.exitCode, 'our redis-server exited (port taken?)').toBeNull()
  expect(/process_id:(\d+)/.exec(info)?.[1], 'the redis-server answering is not the one this test started').toBe(String(r.pid))
}
async function stopRedis() {
  const r = redis
  redis = null
  if (!r || r.exitCode !== null) throw new Error('redis-server was not running')
  const gone = new Promise((resolve) => r.once('exit', resolve))
  r.kill('SIGKILL')
  await gone
  // Really down: nothing answers on the port any more.
  const probe = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  await expect(probe.connect()).rejects.toThrow()
  probe.disconnect()
}
const instance = async () => {
  const c = await spawnCollabChild(db.url, 0, { REDIS_URL })
  children.push(c)
  return c
}
const client = (server: ChildServer, id: string, cookie: string) => {
  const c = connectClient(server.url, id, { cookie })
  clients.push(c)
  return c
}
const synced = (c: TestClient) => vi.waitFor(() => expect(c.provider.synced).toBe(true), { timeout: 10_000 })

beforeAll(async () => {
  await startRedis()
  fx = await createCollabFixture(db.sql)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await Promise.all(children.map((c) => c.stop()))
  if (redis) await stopRedis()
})

test('two instances: edits and cursors of clients on different instances reach each other', async () => {
  const [a, b] = await Promise.all([instance(), instance()])
  const id = await fx.newNarrative()
  const ca = client(a, id, fx.owner.cookie)
  const cb = client(b, id, fx.editor.cookie)
  await Promise.all([synced(ca), synced(cb)])
  for (let i = 0; i < 20; i++) {
    ca.type(`a${i} `)
    cb.type(`b${i} `)
  }
  await vi.waitFor(
    () => {
      expect(ca.text()).toBe(cb.text())
      expect(ca.text().match(/a\d+ /g)).toHaveLength(20)
      expect(ca.text().match(/b\d+ /g)).toHaveLength(20)
    },
    { timeout: 10_000 },
  )
  // The name is the one the server knows (stamped where the client connected), not the one it sent.
  ca.provider.awareness.setLocalStateField('user', { name: 'Owner on A' })
  await vi.waitFor(() => expect(cb.provider.awareness.getStates().get(ca.doc.clientID)).toMatchObject({ user: { name: fx.owner.name } }), {
    timeout: 5000,
  })
  await vi.waitFor(() => expect(ca.ackedOnSocket()).toBe(ca.sentOnSocket()), { timeout: 15_000 })
  await vi.waitFor(() => expect(cb.ackedOnSocket()).toBe(cb.sentOnSocket()), { timeout: 15_000 })
  // Stored exactly once: each instance stored only its own clients' updates.
  expect((await loadStoredDoc(db.sql, id)).getText('probe').toString()).toBe(ca.text())
  const [{ rows }] = await db.sql<[{ rows: number }]>`select count(*)::int as rows from narrative_updates where narrative_id = ${id}`
  expect(rows).toBeLessThanOrEqual(1 + ca.sentTotal() + cb.sentTotal())

  // A role change published on any instance re-checks that member's sockets on every instance: closed (4205), and
  // the reconnect is read-only.
  const pub = new Redis(REDIS_URL)
  const publish = (event: object) => pub.publish('accord:bus', Buffer.concat([randomBytes(16), Buffer.from(JSON.stringify(event))]))
  await upsertMembership(db.sql, { workspaceId: fx.workspaceId, userId: fx.editor.userId, role: 'commenter', function: 'other' })
  try {
    const started = Date.now()
    await publish({ type: 'membership.changed', workspaceId: fx.workspaceId, userId: fx.editor.userId })
    await vi.waitFor(() => expect(cb.closes.map((c) => c.code)).toContain(4205), { timeout: 2000 })
    expect(Date.now() - started).toBeLessThan(2000)
    await synced(cb)
  } finally {
    await upsertMembership(db.sql, { workspaceId: fx.workspaceId, userId: fx.editor.userId, role: 'editor', function: 'other' })
  }

  // A status change published on any instance re-checks the narrative's sockets on every instance: a reader of
  // an approved narrative on B is closed when it becomes a draft again, and its reconnect is refused.
  const approved = await fx.newNarrative()
  await updateNarrativeStatus(db.sql, { id: approved, workspaceId: fx.workspaceId, status: 'approved' })
  const reader = client(b, approved, fx.reader.cookie)
  await synced(reader)
  await updateNarrativeStatus(db.sql, { id: approved, workspaceId: fx.workspaceId, status: 'draft' })
  await publish({ type: 'access.changed', workspaceId: fx.workspaceId, narrativeId: approved })
  await vi.waitFor(() => expect(reader.closes.map((c) => c.code)).toEqual([4205, 4403]), { timeout: 5000 })
  pub.disconnect()
})

test('Redis down: each instance keeps serving and storing; on reconnect the update log catches them up', async () => {
  const [a, b] = [children[0]!, children[1]!]
  const id = await fx.newNarrative()
  const ca = client(a, id, fx.owner.cookie)
  const ca2 = client(a, id, fx.editor.cookie)
  const cb = client(b, id, fx.editor.cookie)
  await Promise.all([synced(ca), synced(ca2), synced(cb)])
  ca.type('before ')
  await vi.waitFor(() => expect([cb.text(), ca2.text()]).toEqual(['before ', 'before ']), { timeout: 5000 })
  // Opening the document on each instance published a Hello, and a Hello schedules one catch-up
  // from the update log 200 ms later. Let it run first: a catch-up that fires after Redis is down
  // reads the other instance's outage edits straight from PostgreSQL and shows them (correctly:
  // the log is the truth) — that, not Redis, is what once put B-during into A's clients.
  await new Promise((r) => setTimeout(r, 1500))

  await stopRedis()
  ca.type('A-during ')
  cb.type('B-during ')
  // Each instance still commits its own clients' edits…
  await vi.waitFor(
    () => {
      expect(ca.ackedOnSocket()).toBe(ca.sentOnSocket())
      expect(cb.ackedOnSocket()).toBe(cb.sentOnSocket())
    },
    { timeout: 15_000 },
  )
  // …and its other clients see them at once (local delivery does not go through Redis).
  await vi.waitFor(() => expect(ca2.text()).toBe('before A-during '), { timeout: 5000 })
  // Nothing crosses between the instances while Redis is down: no publish, no Hello, and no new
  // catch-up (one is started only by a message from Redis or its reconnect). Some time for a wrong
  // path to show, e.g. a redis-server that was not really down.
  await new Promise((r) => setTimeout(r, 500))
  expect(ca.text()).not.toContain('B-during')
  expect(ca2.text()).not.toContain('B-during')
  expect(cb.text()).not.toContain('A-during')

  await startRedis()
  await vi.waitFor(
    () => {
      expect(ca.text()).toContain('B-during')
      expect(cb.text()).toContain('A-during')
      expect(ca.text()).toBe(cb.text())
      expect(ca2.text()).toBe(cb.text())
    },
    { timeout: 15_000 },
  )
  expect((await loadStoredDoc(db.sql, id)).getText('probe').toString()).toBe(ca.text())
})

test('presence across instances: who has a narrative open on any instance (the narratives list reads it)', async () => {
  const [a, b] = [children[0]!, children[1]!]
  // A third instance in this process: its presenceOf is what the narratives list loader calls.
  const link = connectRedis(REDIS_URL)
  const c = await startCollabServer(db.sql, { redis: link })
  try {
    const [id, quiet] = [await fx.newNarrative(), await fx.newNarrative()]
    const ca = client(a, id, fx.owner.cookie)
    const cb = client(b, id, fx.editor.cookie)
    await Promise.all([synced(ca), synced(cb)])
    const names = async (narrative: string) => ((await getPresenceOf([narrative])).get(narrative) ?? []).map((u) => u.userId).sort()
    await vi.waitFor(async () => expect(await names(id)).toEqual([fx.owner.userId, fx.editor.userId].sort()), { timeout: 5000 })
    expect(await names(quiet)).toEqual([])
    // Leaving on one instance shows everywhere.
    cb.destroy()
    await vi.waitFor(async () => expect(await names(id)).toEqual([fx.owner.userId]), { timeout: 5000 })
    // Joining through this instance too: its own users come from memory, merged with the others'.
    const cc = connectClient(c.url, id, { cookie: fx.editor.cookie })
    clients.push(cc)
    await synced(cc)
    await vi.waitFor(async () => expect(await names(id)).toEqual([fx.owner.userId, fx.editor.userId].sort()), { timeout: 5000 })
    expect(c.collab.presence(id).map((u) => u.userId)).toEqual([fx.editor.userId])
    // An instance killed without clearing its entry stops counting once the entry is stale.
    const entry = JSON.stringify({ at: Date.now() - PRESENCE_STALE_MS - 1, users: [{ userId: 'x', name: 'Ghost' }] })
    expect(mergePresence({ dead: entry }, [], 'me')).toEqual([])
    expect(mergePresence({ alive: JSON.stringify({ at: Date.now(), users: [{ userId: 'y', name: 'Y' }] }) }, [], 'me')).toEqual([
      { userId: 'y', name: 'Y' },
    ])
  } finally {
    await c.close()
    await link.close()
  }
})
