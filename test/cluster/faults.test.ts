import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  spawnCollabChild,
  type ChildServer,
  type Fixture,
  type TestClient,
} from '#test/collab-helpers.ts'

// Our own redis-server on its own port (never the shared one).
const REDIS_PORT = 18000 + Math.floor(Math.random() * 2000)
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`
const db = await useTestDatabase()
let fx: Fixture
let redis: ChildProcess
const children: ChildServer[] = []
const clients: TestClient[] = []

beforeAll(async () => {
  redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  const probe = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null })
  probe.on('error', () => {})
  await probe.connect().catch(() => {})
  await vi.waitFor(async () => expect(await probe.ping()).toBe('PONG'), { timeout: 5000 })
  probe.disconnect()
  fx = await createCollabFixture(db.sql)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await Promise.all(children.map((c) => c.stop()))
  redis.kill('SIGKILL')
})

test('kill -9 of an instance during editing by 10 clients, twice: nothing saved is lost, nothing duplicated, all converge', async () => {
  const servers = [await spawnCollabChild(db.url, 0, { REDIS_URL }), await spawnCollabChild(db.url, 0, { REDIS_URL })]
  children.push(...servers)
  const id = await fx.newNarrative()
  const people = [fx.owner, fx.editor]
  for (let i = 0; i < 10; i++) clients.push(connectClient(servers[i % 2]!.url, id, { cookie: people[i % 2]!.cookie }))
  await vi.waitFor(() => expect(clients.every((c) => c.provider.synced)).toBe(true), { timeout: 30_000 })

  let n = 0
  const typing = setInterval(() => {
    for (let i = 0; i < clients.length; i++) clients[i]!.type(`c${i}-${n};`)
    n++
  }, 25)
  try {
    for (const victim of [0, 1, 0]) {
      await new Promise((r) => setTimeout(r, 600))
      const old = servers[victim]!
      await old.kill9()
      await new Promise((r) => setTimeout(r, 300))
      // Restarted on the same port: its clients reconnect by themselves and re-send what was not saved.
      const fresh = await spawnCollabChild(db.url, old.port, { REDIS_URL })
      children.push(fresh)
      servers[victim] = fresh
    }
    await new Promise((r) => setTimeout(r, 600))
  } finally {
    clearInterval(typing)
  }
  await vi.waitFor(() => expect(clients.every((c) => c.provider.synced && c.ackedOnSocket() === c.sentOnSocket())).toBe(true), {
    timeout: 60_000,
  })
  await vi.waitFor(() => expect(new Set(clients.map((c) => c.text())).size).toBe(1), { timeout: 30_000 })
  const stored = (await loadStoredDoc(db.sql, id)).getText('probe').toString()
  expect(stored).toBe(clients[0]!.text())
  // Every edit typed (saved or re-sent after a crash) is stored exactly once.
  const tokens = stored.split(';').filter(Boolean)
  expect(tokens.length).toBe(clients.reduce((sum, c) => sum + c.typed.length, 0))
  expect(new Set(tokens).size).toBe(tokens.length)
  for (const c of clients) for (const t of c.typed) expect(stored).toContain(t.text)
  // Generous: three child restarts and a reconnect of 10 clients on a loaded 2-core CI machine.
}, 150_000)
