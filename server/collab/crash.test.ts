import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  spawnCollabChild,
  type ChildServer,
  type Fixture,
} from '#test/collab-helpers.ts'

const db = await useTestDatabase()
let fx: Fixture
const children: ChildServer[] = []
beforeAll(async () => {
  fx = await createCollabFixture(db.sql)
})
afterAll(async () => {
  for (const c of children) await c.stop()
})

test('kill -9 mid-edit: nothing acknowledged by MESSAGE_SAVED is lost, and the client re-sends the rest', async () => {
  const first = await spawnCollabChild(db.url)
  children.push(first)
  const id = await fx.newNarrative()
  const client = connectClient(first.url, id, { cookie: fx.editor.cookie })
  try {
    await vi.waitFor(() => expect(client.provider.synced).toBe(true), { timeout: 10_000 })

    // Type continuously; kill the server once some edits are acknowledged and others are in flight.
    let i = 0
    const typing = setInterval(() => client.type(`w${i++};`), 2)
    await vi.waitFor(() => expect(client.ackedOn(1)).toBeGreaterThan(30), { timeout: 10_000 })
    await first.kill9()
    await vi.waitFor(() => expect(client.provider.wsconnected).toBe(false))
    const typedBeforeRestart = i
    // Keep typing offline for a moment.
    await vi.waitFor(() => expect(i).toBeGreaterThan(typedBeforeRestart + 20))
    clearInterval(typing)

    const acked = client.ackedOn(1)
    const ackedTexts = client.typed.filter((t) => t.socket === 1 && t.index > 0 && t.index <= acked).map((t) => t.text)
    const unacked = client.typed.filter((t) => !ackedTexts.includes(t.text))
    expect(ackedTexts.length).toBeGreaterThan(20)
    expect(unacked.length).toBeGreaterThan(20)
    const afterCrash = (await loadStoredDoc(db.sql, id)).getText('probe').toString()
    for (const text of ackedTexts) expect(afterCrash).toContain(text)

    // Restart on the same port: the provider reconnects by itself and re-sends what is missing.
    const second = await spawnCollabChild(db.url, first.port)
    children.push(second)
    await vi.waitFor(() => expect(client.provider.synced).toBe(true), { timeout: 10_000 })
    await vi.waitFor(() => expect(client.ackedOnSocket()).toBe(client.sentOnSocket()), { timeout: 10_000 })
    const afterRestart = (await loadStoredDoc(db.sql, id)).getText('probe').toString()
    expect(afterRestart).toBe(client.text())
    for (const t of client.typed) expect(afterRestart).toContain(t.text)
  } finally {
    client.destroy()
  }
})
