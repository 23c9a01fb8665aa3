import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { useTestDatabase } from '#test/db.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  startCollabServer,
  type Fixture,
  type TestClient,
  type TestServer,
} from '#test/collab-helpers.ts'
import { createApiToken, revokeApiToken } from '#app/services/workspaces.server.ts'
import { createSession, endSession } from '#app/services/accounts.server.ts'
import { commitSessionCookie } from '#app/utils/auth.server.ts'
import { upsertMembership } from '#db/queries/workspaces.ts'
import { updateNarrativeStatus } from '#db/queries/narratives.ts'
import { bus } from '#app/events/bus.ts'
import { configureApiRateLimit } from '#app/utils/rate-limit.server.ts'
import { colourFor } from '#app/utils/colour.ts'
import { getPresence } from '#app/document/live.ts'
import type { Sql } from '#db/client.ts'

const db = await useTestDatabase()
const sql: Sql = db.sql
let server: TestServer
let fx: Fixture
const clients: TestClient[] = []

function client(narrativeId: string, headers: Parameters<typeof connectClient>[2], doc?: Y.Doc) {
  const c = connectClient(server.url, narrativeId, headers, { doc })
  clients.push(c)
  return c
}
const synced = (c: TestClient) => vi.waitFor(() => expect(c.provider.synced).toBe(true), { timeout: 5000 })
const closedWith = (c: TestClient) =>
  vi.waitFor(
    () => {
      expect(c.closes.length).toBeGreaterThan(0)
      return c.closes[0]!
    },
    { timeout: 5000 },
  )

beforeAll(async () => {
  server = await startCollabServer(sql, { limits: { idleUnloadMs: 200, derivedDebounceMs: 100, derivedMaxWaitMs: 500 } })
  fx = await createCollabFixture(sql)
})
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy()
})
afterAll(async () => {
  await server.close()
})

describe('editing together', () => {
  test('two writers converge on concurrent edits, and the edits are stored', async () => {
    const id = await fx.newNarrative()
    const a = client(id, { cookie: fx.owner.cookie })
    const b = client(id, { cookie: fx.editor.cookie })
    await Promise.all([synced(a), synced(b)])
    for (let i = 0; i < 20; i++) {
      a.type(`a${i} `)
      b.type(`b${i} `)
    }
    await vi.waitFor(() => {
      expect(a.text()).toBe(b.text())
      expect(a.text().match(/a\d+ /g)).toHaveLength(20)
      expect(a.text().match(/b\d+ /g)).toHaveLength(20)
    })
    await vi.waitFor(() => {
      expect(a.ackedOnSocket()).toBe(a.sentOnSocket())
      expect(b.ackedOnSocket()).toBe(b.sentOnSocket())
    })
    const stored = await loadStoredDoc(sql, id)
    expect(stored.getText('probe').toString()).toBe(a.text())
  })

  test('a lone editor hears its own awareness back (the provider closes a silent socket after 30 s)', async () => {
    const id = await fx.newNarrative()
    const a = client(id, { cookie: fx.owner.cookie })
    await synced(a)
    const before = a.provider.wsLastMessageReceived
    a.provider.awareness.setLocalStateField('cursor', { at: 1 })
    await vi.waitFor(() => expect(a.provider.wsLastMessageReceived).toBeGreaterThan(before))
  })

  test('MESSAGE_SAVED counts arrive, are monotonic and reach what was sent', async () => {
    const id = await fx.newNarrative()
    const a = client(id, { cookie: fx.owner.cookie })
    await synced(a)
    for (let i = 0; i < 50; i++) a.type(`${i},`)
    await vi.waitFor(() => expect(a.ackedOnSocket()).toBe(a.sentOnSocket()))
    expect(a.sentOnSocket()).toBeGreaterThanOrEqual(51)
    expect(a.saved.length).toBeGreaterThan(1)
    for (let i = 1; i < a.saved.length; i++) expect(a.saved[i]!).toBeGreaterThan(a.saved[i - 1]!)
  })

  test("a commenter's updates are dropped: never applied, stored or relayed", async () => {
    const id = await fx.newNarrative()
    const writer = client(id, { cookie: fx.editor.cookie })
    const commenter = client(id, { cookie: fx.commenter.cookie })
    await Promise.all([synced(writer), synced(commenter)])
    writer.type('from the writer. ')
    commenter.type('from the commenter. ')
    await vi.waitFor(() => expect(commenter.text()).toContain('from the writer.'))
    await vi.waitFor(() => expect(writer.ackedOnSocket()).toBe(writer.sentOnSocket()))
    // The commenter's messages are acknowledged as processed (nothing to save), not stored.
    await vi.waitFor(() => expect(commenter.ackedOnSocket()).toBe(commenter.sentOnSocket()))
    expect(writer.text()).not.toContain('commenter')

    const fresh = client(id, { cookie: fx.owner.cookie })
    await synced(fresh)
    expect(fresh.text()).toBe('from the writer. ')
    const stored = await loadStoredDoc(sql, id)
    expect(stored.getText('probe').toString()).toBe('from the writer. ')
    const [{ count }] = await sql<[{ count: number }]>`
      select count(*)::int as count from narrative_updates where narrative_id = ${id} and author_id = ${fx.commenter.userId}`
    expect(count).toBe(0)
  })

  test('awareness is relayed, also from read-only peers; presence lists who is in', async () => {
    const id = await fx.newNarrative()
    const writer = client(id, { cookie: fx.editor.cookie })
    const commenter = client(id, { cookie: fx.commenter.cookie })
    await Promise.all([synced(writer), synced(commenter)])
    commenter.provider.awareness.setLocalStateField('cursor', { at: 3 })
    await vi.waitFor(() => expect(writer.provider.awareness.getStates().get(commenter.doc.clientID)).toMatchObject({ cursor: { at: 3 } }))
    expect(
      getPresence(id)
        .map((p) => p.userId)
        .sort(),
    ).toEqual([fx.editor.userId, fx.commenter.userId].sort())
    commenter.destroy()
    await vi.waitFor(() => expect(writer.provider.awareness.getStates().has(commenter.doc.clientID)).toBe(false))
    await vi.waitFor(() => expect(getPresence(id).map((p) => p.userId)).toEqual([fx.editor.userId]))
  })

  test('awareness names, colours and roles come from who signed in, whatever the client claims', async () => {
    const id = await fx.newNarrative()
    const honest = client(id, { cookie: fx.editor.cookie })
    const liar = client(id, { cookie: fx.commenter.cookie })
    await Promise.all([synced(honest), synced(liar)])
    // As Lexical's CollaborationPlugin and our provider write it, with someone else's name, colour and id.
    liar.provider.awareness.setLocalState({
      name: fx.owner.name,
      color: colourFor(fx.owner.userId),
      userId: fx.owner.userId,
      role: 'owner',
      user: { name: fx.owner.name },
      awarenessData: { userId: fx.owner.userId },
      focusing: true,
    })
    const real = { userId: fx.commenter.userId, name: fx.commenter.name, color: colourFor(fx.commenter.userId), role: 'commenter' }
    await vi.waitFor(() =>
      expect(honest.provider.awareness.getStates().get(liar.doc.clientID)).toEqual({
        ...real,
        user: real,
        awarenessData: { userId: fx.commenter.userId },
        focusing: true,
      }),
    )
  })

  test('the cached answer to a fresh client is dropped as soon as the document changes', async () => {
    const id = await fx.newNarrative()
    const a = client(id, { cookie: fx.owner.cookie })
    await synced(a)
    a.type('one ')
    await vi.waitFor(() => expect(a.ackedOnSocket()).toBe(a.sentOnSocket()))
    const b = client(id, { cookie: fx.editor.cookie })
    await synced(b)
    expect(b.text()).toBe('one ')
    a.type('two ')
    await vi.waitFor(() => expect(b.text()).toBe('one two '))
    const c = client(id, { cookie: fx.editor.cookie })
    await synced(c)
    expect(c.text()).toBe('one two ')
  })

  test('an API token authenticates like a session', async () => {
    const id = await fx.newNarrative()
    const { token } = await createApiToken({ userId: fx.owner.userId, workspaceId: fx.workspaceId, role: 'owner' }, { name: 'ci' })
    const c = client(id, { authorization: `Bearer ${token}` })
    await synced(c)
    c.type('via token')
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()))
  })
})

describe('API tokens on the socket', () => {
  const ownerActor = () => ({ userId: fx.owner.userId, workspaceId: fx.workspaceId, role: 'owner' as const })

  test('a read-scoped token opens the narrative read-only: its edit is dropped, never relayed nor stored', async () => {
    const id = await fx.newNarrative()
    const { token } = await createApiToken(ownerActor(), { name: 'read only', scope: 'read' })
    const writer = client(id, { cookie: fx.editor.cookie })
    const reader = client(id, { authorization: `Bearer ${token}` })
    await Promise.all([synced(writer), synced(reader)])
    reader.type('written with a read token')
    writer.type('from the writer')
    await vi.waitFor(() => expect(reader.text()).toContain('from the writer'))
    await vi.waitFor(() => expect(writer.ackedOnSocket()).toBe(writer.sentOnSocket()))
    // Processed (nothing to save) — but what was sent is not in the stored document.
    await vi.waitFor(() => expect(reader.ackedOnSocket()).toBe(reader.sentOnSocket()))
    expect(writer.text()).toBe('from the writer')
    expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('from the writer')
    const [{ count }] = await sql<[{ count: number }]>`
      select count(*)::int as count from narrative_updates where narrative_id = ${id} and author_id = ${fx.owner.userId}`
    expect(count).toBe(0)
  })

  test('a write token writes; each token use is audited with the socket path', async () => {
    const id = await fx.newNarrative()
    const { token } = await createApiToken(ownerActor(), { name: 'socket writer', scope: 'write' })
    const c = client(id, { authorization: `Bearer ${token}` })
    await synced(c)
    c.type('via a write token')
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()))
    expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('via a write token')
    const rows = await sql<{ meta: { path: string; scope: string } }[]>`
      select meta from audit_events where workspace_id = ${fx.workspaceId} and action = 'token.used' and target like 'socket writer (%'`
    expect(rows.map((r) => r.meta)).toEqual([expect.objectContaining({ path: `/collab/${id}`, scope: 'write' })])
  })

  test('token use on the socket draws on the same bucket as the API: exhausted, the upgrade closes with 4429', async () => {
    const id = await fx.newNarrative()
    const { token } = await createApiToken(ownerActor(), { name: 'bursty', scope: 'read' })
    configureApiRateLimit({ perMinute: 1, burst: 2 })
    try {
      for (let i = 0; i < 2; i++) {
        const ok = client(id, { authorization: `Bearer ${token}` })
        await synced(ok)
        ok.destroy()
      }
      const refused = client(id, { authorization: `Bearer ${token}` })
      expect(await closedWith(refused)).toMatchObject({ code: 4429, reason: expect.stringMatching(/Too many requests/) })
    } finally {
      configureApiRateLimit(null)
    }
  })
})

describe('refusals', () => {
  test('4401 without a session', async () => {
    const c = client(await fx.newNarrative(), {})
    expect(await closedWith(c)).toMatchObject({ code: 4401 })
  })

  test('4401 with an unknown session', async () => {
    const c = client(await fx.newNarrative(), { cookie: 'accord_session=IndoYXQi' })
    expect((await closedWith(c)).code).toBe(4401)
  })

  test('4403 for a reader on a draft, and for a foreign Origin', async () => {
    const id = await fx.newNarrative()
    const reader = client(id, { cookie: fx.reader.cookie })
    expect((await closedWith(reader)).code).toBe(4403)
    const foreign = client(id, { cookie: fx.owner.cookie, origin: 'https://evil.example' })
    expect((await closedWith(foreign)).code).toBe(4403)
    const own = client(id, { cookie: fx.owner.cookie, origin: server.origin })
    await synced(own)
  })

  test('a reader may read an approved narrative, read-only', async () => {
    const id = await fx.newNarrative()
    await updateNarrativeStatus(sql, { id, workspaceId: fx.workspaceId, status: 'approved' })
    const reader = client(id, { cookie: fx.reader.cookie })
    await synced(reader)
    reader.type('nope')
    await vi.waitFor(() => expect(reader.ackedOnSocket()).toBe(reader.sentOnSocket()))
    expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('')
  })

  test('4404 for a foreign workspace, a random uuid and a non-uuid', async () => {
    const id = await fx.newNarrative()
    const outsider = client(id, { cookie: fx.outsider.cookie })
    expect((await closedWith(outsider)).code).toBe(4404)
    const random = client(randomUUID(), { cookie: fx.owner.cookie })
    expect((await closedWith(random)).code).toBe(4404)
    const garbage = client('not-a-uuid', { cookie: fx.owner.cookie })
    expect((await closedWith(garbage)).code).toBe(4404)
  })

  test('a role change closes that user’s sockets with 4205; they reconnect with the new rights; others stay', async () => {
    const id = await fx.newNarrative()
    const c = client(id, { cookie: fx.editor.cookie })
    const other = client(id, { cookie: fx.owner.cookie })
    await Promise.all([synced(c), synced(other)])
    // An event that changes nothing closes nothing.
    bus.publish({ type: 'membership.changed', workspaceId: fx.workspaceId, userId: fx.editor.userId })
    await new Promise((r) => setTimeout(r, 200))
    expect(c.closes).toEqual([])
    await upsertMembership(sql, { workspaceId: fx.workspaceId, userId: fx.editor.userId, role: 'commenter', function: 'other' })
    try {
      bus.publish({ type: 'membership.changed', workspaceId: fx.workspaceId, userId: fx.editor.userId })
      expect((await closedWith(c)).code).toBe(4205)
      await synced(c)
      c.type('as a commenter now')
      await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()))
      expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('')
      expect(other.closes).toEqual([])
    } finally {
      await upsertMembership(sql, { workspaceId: fx.workspaceId, userId: fx.editor.userId, role: 'editor', function: 'other' })
    }
  })

  test('a revoked token’s open socket is closed and refused', async () => {
    const id = await fx.newNarrative()
    const owner = { userId: fx.owner.userId, workspaceId: fx.workspaceId, role: 'owner' as const }
    const { token } = await createApiToken(owner, { name: 'to revoke' })
    const c = client(id, { authorization: `Bearer ${token}` })
    await synced(c)
    const [row] = await sql<[{ id: string }]>`select id from api_tokens where name = 'to revoke' and workspace_id = ${fx.workspaceId}`
    await revokeApiToken(owner, row.id)
    await vi.waitFor(() => expect(c.closes.map((x) => x.code)).toEqual([4205, 4401]))
  })

  test('signing out closes that session’s open sockets; the same person’s other session stays', async () => {
    const id = await fx.newNarrative()
    const { token } = await createSession(sql, { userId: fx.editor.userId, workspaceId: fx.workspaceId })
    const cookie = (await commitSessionCookie(new Request('http://localhost/'), token)).split(';')[0]!
    const signingOut = client(id, { cookie })
    const elsewhere = client(id, { cookie: fx.editor.cookie })
    await Promise.all([synced(signingOut), synced(elsewhere)])
    await endSession(token)
    await vi.waitFor(() => expect(signingOut.closes.map((x) => x.code)).toEqual([4205, 4401]))
    expect(elsewhere.closes).toEqual([])
  })
})

describe('document size', () => {
  test('with the default limits a document cannot grow past 4 MB (loading one stalls the event loop for everyone)', async () => {
    const id = await fx.newNarrative()
    const c = client(id, { cookie: fx.owner.cookie })
    await synced(c)
    for (let i = 0; i < 5 && c.closes.length === 0; i++) {
      c.type('x'.repeat(900_000))
      await vi.waitFor(() => expect(c.ackedOnSocket() === c.sentOnSocket() || c.closes.length > 0).toBe(true), { timeout: 10_000 })
    }
    expect((await closedWith(c)).code).toBe(4413)
  })
})

describe('loading and seeding', () => {
  test('5 clients opening a new narrative at once seed the template exactly once', async () => {
    const id = await fx.newNarrative('strategy')
    const people = [fx.owner, fx.editor, fx.commenter, fx.owner, fx.editor]
    const cs = people.map((p) => client(id, { cookie: p.cookie }))
    await Promise.all(cs.map(synced))
    const headings = (c: TestClient) =>
      c.doc
        .get('root', Y.XmlText)
        .toDelta()
        .filter((op: { insert: unknown }) => op.insert instanceof Y.XmlText).length
    for (const c of cs) expect(headings(c)).toBe(16)
    const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from narrative_updates where narrative_id = ${id}`
    expect(count).toBe(1)
    const [{ seeded }] = await sql<[{ seeded: boolean }]>`select seeded from narratives where id = ${id}`
    expect(seeded).toBe(true)
  })

  test('derived text, outline and excerpt follow the edits within seconds', async () => {
    const id = await fx.newNarrative('qbr')
    const c = client(id, { cookie: fx.owner.cookie })
    await synced(c)
    await vi.waitFor(
      async () => {
        const [row] = await sql<[{ outline: { level: number; text: string }[]; text: string }]>`
          select outline, text from narratives where id = ${id}`
        expect(row.outline.map((o) => o.text)).toEqual([
          'Highlights',
          'Results against targets',
          'What worked and what did not',
          'Pipeline and revenue',
          'Next quarter',
        ])
        expect(row.text).toContain('Highlights\n\nThe three things leadership should remember')
      },
      { timeout: 5000 },
    )
  })

  test('restart with persistence: a new server on the same database has the content', async () => {
    const id = await fx.newNarrative()
    const a = client(id, { cookie: fx.owner.cookie })
    await synced(a)
    a.type('survives a restart')
    await vi.waitFor(() => expect(a.ackedOnSocket()).toBe(a.sentOnSocket()))
    a.destroy()
    await server.close()
    server = await startCollabServer(sql, { limits: { idleUnloadMs: 200 } })
    const b = client(id, { cookie: fx.editor.cookie })
    await synced(b)
    expect(b.text()).toBe('survives a restart')
  })

  test('idle documents are unloaded and compacted; the content stays identical', async () => {
    const id = await fx.newNarrative('strategy')
    const a = client(id, { cookie: fx.owner.cookie })
    await synced(a)
    for (let i = 0; i < 30; i++) a.type(`line ${i}\n`)
    const text = a.text()
    const root = a.doc.get('root', Y.XmlText).toString()
    await vi.waitFor(() => expect(a.ackedOnSocket()).toBe(a.sentOnSocket()))
    a.destroy()
    await vi.waitFor(
      async () => {
        const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from narrative_updates where narrative_id = ${id}`
        expect(count).toBe(0)
      },
      { timeout: 5000 },
    )
    const [state] = await sql<[{ throughSeq: string }]>`select through_seq as "throughSeq" from narrative_states where narrative_id = ${id}`
    expect(Number(state.throughSeq)).toBeGreaterThan(0)
    const b = client(id, { cookie: fx.editor.cookie })
    await synced(b)
    expect(b.text()).toBe(text)
    expect(b.doc.get('root', Y.XmlText).toString()).toBe(root)
  })
})
