/**
 * The authorization matrix of the second door: the collaboration websocket. Every persona (signed
 * out, each role, a member of another workspace, API tokens of each scope) opens a draft, an
 * approved and an archived narrative through a real y-websocket provider, then types. The expected
 * outcome is written out per cell — refused with which close code, open read-only (the edit is
 * acknowledged as processed but never stored), or open for writing — and compared with what the
 * server did, so a rule that drifts between HTTP and the socket shows here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { connectClient, loadStoredDoc, startCollabServer, type TestClient, type TestServer } from '#test/collab-helpers.ts'
import { buildApiToken, buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { createApiToken } from '#app/services/workspaces.server.ts'

const { sql } = await useTestDatabase()

type Status = 'draft' | 'approved' | 'archived'
type Persona =
  | 'signed out'
  | 'owner'
  | 'editor'
  | 'commenter'
  | 'reader'
  | 'other workspace'
  | 'owner, read token'
  | 'owner, write token'
  | 'reader, token'
  | 'other workspace, write token'
  | 'unknown token'
/** What the server must do: refuse with a close code, or let the persona read (only) or write. */
type Outcome = 4401 | 4403 | 4404 | 'read' | 'write'

const EXPECTED: Record<Persona, Record<Status, Outcome>> = {
  'signed out': { draft: 4401, approved: 4401, archived: 4401 },
  owner: { draft: 'write', approved: 'write', archived: 'read' },
  editor: { draft: 'write', approved: 'write', archived: 'read' },
  commenter: { draft: 'read', approved: 'read', archived: 'read' },
  reader: { draft: 4403, approved: 'read', archived: 4403 },
  'other workspace': { draft: 4404, approved: 4404, archived: 4404 },
  'owner, read token': { draft: 'read', approved: 'read', archived: 'read' },
  'owner, write token': { draft: 'write', approved: 'write', archived: 'read' },
  'reader, token': { draft: 4403, approved: 'read', archived: 4403 },
  'other workspace, write token': { draft: 4404, approved: 4404, archived: 4404 },
  'unknown token': { draft: 4401, approved: 4401, archived: 4401 },
}

let server: TestServer
let ws: WorkspaceFixture
const headersOf = new Map<Persona, { cookie?: string; authorization?: string }>()

beforeAll(async () => {
  server = await startCollabServer(sql)
  const [home, other] = await Promise.all([buildWorkspace(), buildWorkspace()])
  ws = home
  const bearer = (token: string) => `Bearer ${token}`
  headersOf.set('signed out', {})
  headersOf.set('owner', { cookie: ws.owner.cookie })
  headersOf.set('editor', { cookie: ws.editor.cookie })
  headersOf.set('commenter', { cookie: ws.commenter.cookie })
  headersOf.set('reader', { cookie: ws.reader.cookie })
  headersOf.set('other workspace', { cookie: other.owner.cookie })
  headersOf.set('owner, read token', {
    authorization: bearer((await createApiToken(ws.owner.actor, { name: 'ws read', scope: 'read' })).token),
  })
  headersOf.set('owner, write token', {
    authorization: bearer((await createApiToken(ws.owner.actor, { name: 'ws write', scope: 'write' })).token),
  })
  headersOf.set('reader, token', { authorization: bearer(await buildApiToken(ws.reader)) })
  headersOf.set('other workspace, write token', { authorization: bearer(await buildApiToken(other.owner)) })
  headersOf.set('unknown token', { authorization: 'Bearer acc_thisTokenWasNeverIssued000000' })
})

afterAll(async () => {
  await server?.close()
})

/** Opens the narrative as the persona and types; says what happened. */
async function probe(narrativeId: string, persona: Persona): Promise<Outcome> {
  const client: TestClient = connectClient(server.url, narrativeId, headersOf.get(persona))
  try {
    await vi.waitFor(() => expect(client.provider.synced || client.closes.length > 0).toBe(true), { timeout: 15_000 })
    const refused = client.closes[0]?.code
    if (refused !== undefined) return refused as Outcome
    const mark = `${persona} was here `
    client.type(mark)
    // Every message is acknowledged once processed, stored or dropped: then the store tells which.
    await vi.waitFor(() => expect(client.ackedOnSocket()).toBe(client.sentOnSocket()), { timeout: 15_000 })
    const stored = (await loadStoredDoc(sql, narrativeId)).getText('probe').toString()
    return stored.includes(mark) ? 'write' : 'read'
  } finally {
    client.destroy()
  }
}

describe('the collaboration websocket: who may open and change a narrative', () => {
  for (const status of ['draft', 'approved', 'archived'] as const) {
    it(`${status} narrative: every persona gets exactly its outcome`, { timeout: 120_000 }, async () => {
      const { id } = await buildNarrative(ws.owner, { title: `Matrix ${status}`, status })
      const personas = Object.keys(EXPECTED) as Persona[]
      const actual: Record<string, Outcome> = {}
      for (const persona of personas) actual[persona] = await probe(id, persona)
      expect(actual).toEqual(Object.fromEntries(personas.map((p) => [p, EXPECTED[p][status]])))
    })
  }
})
