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

const db = await useTestDatabase()
let fx: Fixture
let server: ChildServer
const clients: TestClient[] = []

beforeAll(async () => {
  fx = await createCollabFixture(db.sql)
  server = await spawnCollabChild(db.url)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.stop()
})

const OFFLINE_EDITS = Number(process.env.OFFLINE_EDITS ?? 1500)

test(`a client offline with ${OFFLINE_EDITS} edits (others editing meanwhile) reconnects and merges; all converge and everything is stored once`, async () => {
  const id = await fx.newNarrative()
  const away = connectClient(server.url, id, { cookie: fx.owner.cookie })
  const stay = connectClient(server.url, id, { cookie: fx.editor.cookie })
  const third = connectClient(server.url, id, { cookie: fx.editor.cookie })
  clients.push(away, stay, third)
  await vi.waitFor(() => expect(clients.every((c) => c.provider.synced)).toBe(true), { timeout: 15_000 })
  away.type('shared;')
  await vi.waitFor(() => expect(stay.text()).toBe('shared;'), { timeout: 10_000 })

  // Offline (the provider stops; its document keeps taking edits, as a laptop on a train would).
  away.provider.disconnect()
  const offline = away.doc.getText('probe')
  for (let i = 0; i < OFFLINE_EDITS; i++) {
    // One Yjs transaction per edit, like keystrokes: appends, inserts at the front, and deletes of
    // its own earlier text (every tenth edit removes a marker it typed eight edits before).
    if (i % 10 === 9) {
      const marker = `x${i - 8}|`
      offline.delete(offline.toString().indexOf(marker), marker.length)
    } else if (i % 2 === 0) offline.insert(offline.length, `O${i};`)
    else offline.insert(0, `x${i}|O${i};`)
  }
  // Meanwhile the others keep editing, and see none of it.
  for (let i = 0; i < 200; i++) (i % 2 ? stay : third).type(`P${i};`)
  await vi.waitFor(() => expect([stay.ackedOnSocket(), third.ackedOnSocket()]).toEqual([stay.sentOnSocket(), third.sentOnSocket()]), {
    timeout: 20_000,
  })
  expect(stay.text()).not.toContain('O0;')
  // Minutes later the instance has been restarted (the document written out, compacted and loaded
  // again from PostgreSQL); the online clients reconnect to the new process by themselves.
  const port = server.port
  await server.stop()
  server = await spawnCollabChild(db.url, port)
  await vi.waitFor(() => expect(stay.provider.synced && third.provider.synced && stay.socketNo() > 1).toBe(true), { timeout: 20_000 })

  const reconnectedAt = performance.now()
  away.provider.connect()
  await vi.waitFor(
    () => {
      expect(away.provider.synced).toBe(true)
      expect(new Set(clients.map((c) => c.text())).size).toBe(1)
    },
    { timeout: 30_000, interval: 100 },
  )
  await vi.waitFor(() => expect(away.ackedOnSocket()).toBe(away.sentOnSocket()), { timeout: 30_000 })
  console.log(`offline merge of ${OFFLINE_EDITS} edits: converged and saved in ${(performance.now() - reconnectedAt).toFixed(0)} ms`)

  const text = stay.text()
  const stored = (await loadStoredDoc(db.sql, id)).getText('probe').toString()
  expect(stored).toBe(text)
  const tokens = text.split(/[;|]/).filter(Boolean)
  expect(new Set(tokens).size).toBe(tokens.length)
  for (let i = 0; i < OFFLINE_EDITS; i++) {
    if (i % 10 === 9) continue
    expect(tokens).toContain(`O${i}`)
    // What was deleted offline stays deleted after the merge; the other markers are kept.
    if (i % 2 === 1) expect(tokens.includes(`x${i}`)).toBe(!(i % 10 === 1 && i + 8 < OFFLINE_EDITS))
  }
  for (let i = 0; i < 200; i++) expect(tokens).toContain(`P${i}`)
  expect(tokens).toContain('shared')
}, 120_000)
