import * as Y from 'yjs'
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
import { loadConcurrentTrace, playSteps, replayConcurrentTrace, stepsOf, traceText } from '../../bench/collab/concurrent-trace.ts'

// The two-author concurrent trace (../shared/bench-data/friendsforever.json.gz, 26,078
// transactions with 2,258 merges) through two real y-websocket providers, as two people.
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

test('friendsforever replayed by two real clients converges to its endContent, on both clients and in PostgreSQL', async () => {
  const trace = loadConcurrentTrace()
  const id = await fx.newNarrative()
  const a = connectClient(server.url, id, { cookie: fx.owner.cookie })
  const b = connectClient(server.url, id, { cookie: fx.editor.cookie })
  clients.push(a, b)
  await vi.waitFor(() => expect(a.provider.synced && b.provider.synced).toBe(true), { timeout: 15_000 })
  // On top of the server's seed (the blank template's paragraph), as the editor would.
  const replay = replayConcurrentTrace(trace, Y.encodeStateAsUpdate(a.doc))
  expect(replay.text.slice(0, 60)).toBe(trace.endContent.slice(0, 60))
  expect(replay.matchesEndContent).toBe(true)
  Y.applyUpdate(a.doc, replay.setup)
  await vi.waitFor(() => expect(Y.encodeStateVector(b.doc)).toEqual(Y.encodeStateVector(a.doc)), { timeout: 10_000 })

  // Each author sends its edits once it has received the other's edits they build on (1,158
  // sends; 2,258 merges in the trace), as two people typing together would.
  const steps = stepsOf(replay)
  const ms = await playSteps([a.doc, b.doc], replay, steps)
  console.log(`friendsforever: ${replay.txns.length} transactions in ${steps.length} sends, played in ${ms.toFixed(0)} ms`)
  await vi.waitFor(
    () => {
      expect(traceText(a.doc)).toBe(trace.endContent)
      expect(traceText(b.doc)).toBe(trace.endContent)
    },
    { timeout: 60_000, interval: 100 },
  )
  await vi.waitFor(() => expect([a.ackedOnSocket(), b.ackedOnSocket()]).toEqual([a.sentOnSocket(), b.sentOnSocket()]), {
    timeout: 30_000,
  })
  expect(traceText(await loadStoredDoc(db.sql, id))).toBe(trace.endContent)
}, 120_000)
