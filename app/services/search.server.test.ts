import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { startApp } from '#test/routes.ts'
import { connectClient, startCollabServer, type TestServer } from '#test/collab-helpers.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { bindEditor } from '#app/document/lexical.ts'
import { InitiativeInputSchema } from '#app/schemas/roadmap.ts'
import { CapabilityInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { createInitiative } from './roadmap.server.ts'
import { createCapability } from '#app/services/inventory/capabilities.server.ts'
import { createSystem } from '#app/services/inventory/systems.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { search, searchResultJson } from './search.server.ts'
import { MARK_END, MARK_START } from '#app/domain/search.ts'

const db = await useTestDatabase()
const sql = db.sql

/** Stores `text` as the narrative's derived text, exactly as the derive job does. */
async function setText(id: string, text: string) {
  await updateNarrativeDerived(sql, { id, text, excerpt: text.slice(0, 200), outline: [], wordCount: text.split(/\s+/).length })
}

let ws: WorkspaceFixture
let other: WorkspaceFixture
const ids: Record<string, string> = {}

beforeAll(async () => {
  ;[ws, other] = await Promise.all([buildWorkspace(), buildWorkspace()])
  const owner = ws.owner.actor
  const inTitle = await buildNarrative(ws.owner, { title: 'Zebracorn launch plan' })
  const inBody = await buildNarrative(ws.owner, { title: 'Quarterly plan' })
  const inBodyOften = await buildNarrative(ws.owner, { title: 'Partner programme' })
  const approved = await buildNarrative(ws.owner, { title: 'Approved zebracorn strategy', status: 'approved' })
  const archived = await buildNarrative(ws.owner, { title: 'Old zebracorn idea', status: 'archived' })
  await setText(inBody.id, 'Summary\n\nWe will test one zebracorn campaign in EMEA before the budget review.')
  await setText(inBodyOften.id, 'Summary\n\nThe zebracorn programme: every zebracorn partner co-sells. Zebracorn deals close faster.')
  Object.assign(ids, { inTitle: inTitle.id, inBody: inBody.id, inBodyOften: inBodyOften.id, approved: approved.id, archived: archived.id })

  ids.initiative = (
    await createInitiative(
      owner,
      InitiativeInputSchema.parse({ title: 'Zebracorn webinar series', description: 'Monthly.', timeframe: 'next', effort: 'M' }),
    )
  ).id
  ids.system = await createSystem(
    owner,
    SystemInputSchema.parse({ name: 'Zebracorn CRM', category: 'crm', lifecycle: 'active', notes: 'The system of record' }),
  )
  ids.capability = await createCapability(owner, CapabilityInputSchema.parse({ name: 'Zebracorn scoring', description: 'Scores leads' }))
  await createMetric(
    owner,
    MetricInputSchema.parse({
      key: 'zebracorn_pipeline',
      name: 'Zebracorn pipeline',
      definition: 'Open opportunities sourced by the zebracorn programme',
      unit: 'count',
      direction: 'higher',
      indicator: 'lagging',
      aggregation: 'sum',
    }),
  )
  // The same word in another workspace: never found from ws.
  const foreign = await buildNarrative(other.owner, { title: 'Zebracorn foreign secret', status: 'approved' })
  await setText(foreign.id, 'zebracorn zebracorn zebracorn')
  ids.foreign = foreign.id
})

describe('search', () => {
  it('finds every kind of object, narratives by title and by derived text, with marked snippets', async () => {
    const hits = await search(ws.owner.actor, { q: 'zebracorn', limit: 50 })
    const byId = new Map(hits.map((h) => [h.id, h]))
    for (const key of ['inTitle', 'inBody', 'inBodyOften', 'approved', 'initiative', 'system', 'capability'])
      expect(byId.has(ids[key]!), key).toBe(true)
    expect(hits.find((h) => h.type === 'metric')?.url).toBe('/metrics/zebracorn_pipeline')
    expect(new Set(hits.map((h) => h.type))).toEqual(new Set(['narrative', 'initiative', 'system', 'capability', 'metric']))
    // Archived narratives and other workspaces are not searched.
    expect(byId.has(ids.archived!)).toBe(false)
    expect(byId.has(ids.foreign!)).toBe(false)

    const body = byId.get(ids.inBody!)!
    expect(body.url).toBe(`/narratives/${ids.inBody}`)
    expect(body.parts).toContainEqual({ text: 'zebracorn', match: true })
    expect(body.parts.map((p) => p.text).join('')).toContain('We will test one zebracorn campaign in EMEA')
    const json = searchResultJson(body)
    expect(json.snippet).toContain('test one zebracorn campaign')
    expect(json.snippet_html).toContain('one <mark>zebracorn</mark> campaign')
    expect(json.snippet.includes(MARK_START) || json.snippet.includes(MARK_END)).toBe(false)
  })

  it('ranks a title match above one mention in the text, and many mentions above one', async () => {
    const hits = (await search(ws.owner.actor, { q: 'zebracorn', type: 'narrative', limit: 50 })).map((h) => h.id)
    expect(hits.indexOf(ids.inTitle!)).toBeLessThan(hits.indexOf(ids.inBody!))
    expect(hits.indexOf(ids.inBodyOften!)).toBeLessThan(hits.indexOf(ids.inBody!))
    // Ranks come back descending.
    const ranks = (await search(ws.owner.actor, { q: 'zebracorn', limit: 50 })).map((h) => h.rank)
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks)
  })

  it('matches prefixes and stems of every word, and needs all words', async () => {
    expect((await search(ws.owner.actor, { q: 'zebrac', limit: 50 })).map((h) => h.id)).toContain(ids.inBody)
    // "campaigns" stems to "campaign"; both words must match.
    expect((await search(ws.owner.actor, { q: 'campaigns zebracorn', limit: 50 })).map((h) => h.id)).toEqual([ids.inBody])
    expect(await search(ws.owner.actor, { q: 'zebracorn nosuchword', limit: 50 })).toEqual([])
  })

  it('treats query syntax as words: quotes, operators and injection strings are harmless', async () => {
    for (const q of [
      "zebracorn' or 1=1 --",
      'zebracorn & !',
      '<script>alert(1)</script>',
      '):* | !(',
      "'; drop table narratives; --",
      '   ',
      '∞ 💥 ü',
    ])
      await expect(search(ws.owner.actor, { q, limit: 20 })).resolves.toBeInstanceOf(Array)
    expect((await search(ws.owner.actor, { q: "zebracorn' or 1=1 --", limit: 50 })).length).toBe(0)
    const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from narratives`
    expect(count).toBeGreaterThan(0)
  })

  it('finds members by name and e-mail for everyone but readers', async () => {
    const word = ws.commenter.name.split(' ')[1]!
    const hits = await search(ws.owner.actor, { q: word, type: 'member', limit: 10 })
    expect(hits.map((h) => h.id)).toEqual([ws.commenter.id])
    expect(hits[0]!.url).toBe(`/settings/members#member-${ws.commenter.id}`)
    expect(hits[0]!.parts[0]!.text).toBe(`Sales · ${ws.commenter.email}`)
    // Editors reach a member by e-mail; readers do not search members.
    expect((await search(ws.editor.actor, { q: word, type: 'member', limit: 10 }))[0]!.url).toBe(`mailto:${ws.commenter.email}`)
    expect(await search(ws.reader.actor, { q: word, limit: 10 })).toEqual([])
  })

  it('a reader finds approved narratives and metrics only, nothing of the working material', async () => {
    const hits = await search(ws.reader.actor, { q: 'zebracorn', limit: 50 })
    expect(hits.filter((h) => h.type === 'narrative').map((h) => h.id)).toEqual([ids.approved])
    expect(new Set(hits.map((h) => h.type))).toEqual(new Set(['narrative', 'metric']))
    expect(await search(ws.reader.actor, { q: 'zebracorn', type: 'initiative', limit: 50 })).toEqual([])
  })

  it('another workspace finds only its own', async () => {
    const hits = await search(other.owner.actor, { q: 'zebracorn', limit: 50 })
    expect(hits.map((h) => h.id)).toEqual([ids.foreign])
  })
})

describe('freshness', () => {
  let server: TestServer
  beforeAll(async () => {
    // Default derive limits (1 s debounce): the same timing as production.
    server = await startCollabServer(sql)
  })
  afterAll(async () => {
    await server.close()
  })

  it('a word typed in the editor is found within seconds', async () => {
    const narrative = await buildNarrative(ws.editor, { title: 'Fresh narrative', template: 'blank' })
    const doc = new Y.Doc()
    const bound = bindEditor(doc)
    const client = connectClient(server.url, narrative.id, { cookie: ws.editor.cookie, origin: server.origin }, { doc })
    try {
      await vi.waitFor(() => expect(client.provider.synced).toBe(true), { timeout: 5000 })
      expect(await search(ws.editor.actor, { q: 'quokkaphant', limit: 10 })).toEqual([])
      const typedAt = Date.now()
      bound.editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode('Our quokkaphant launch wins.'))), {
        discrete: true,
      })
      const found = await vi.waitFor(
        async () => {
          const hits = await search(ws.editor.actor, { q: 'quokkaphant', limit: 10 })
          expect(hits.map((h) => h.id)).toEqual([narrative.id])
          return hits
        },
        { timeout: 8000, interval: 100 },
      )
      const seconds = (Date.now() - typedAt) / 1000
      console.log(`search freshness: found ${seconds.toFixed(2)} s after the edit`)
      expect(seconds).toBeLessThan(5)
      expect(found[0]!.parts.find((p) => p.match)?.text).toBe('quokkaphant')
    } finally {
      client.destroy()
      bound.dispose()
    }
  })
})

describe('GET /api/v1/search and /search over HTTP', () => {
  it('returns ranked { type, id, title, snippet, url } for the token’s workspace, and the page renders without JavaScript', async () => {
    const app = await startApp({ sql })
    try {
      const token = await buildApiToken(ws.reader)
      const res = await app.fetch('/api/v1/search?q=zebracorn', { token })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { data: { type: string; id: string; title: string; snippet: string; url: string; rank: number }[] }
      expect(body.data.map((d) => d.type).sort()).toEqual(['metric', 'narrative'])
      expect(body.data.find((d) => d.type === 'narrative')).toMatchObject({ id: ids.approved, url: `/narratives/${ids.approved}` })
      for (const d of body.data) expect(Object.keys(d).sort()).toEqual(['id', 'rank', 'snippet', 'snippet_html', 'title', 'type', 'url'])

      const bad = await app.fetch(`/api/v1/search?q=a&limit=500`, { token })
      expect(bad.status).toBe(400)
      expect(bad.headers.get('Content-Type')).toContain('application/problem+json')
      expect(await bad.json()).toMatchObject({ status: 400, errors: { limit: ['limit must be at most 200'] } })

      const page = await app.fetch('/search?q=campaign+zebracorn', { cookie: ws.owner.cookie })
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('<mark>zebracorn</mark><span> </span><mark>campaign</mark><span> in EMEA')
      expect(html).toContain(`href="/narratives/${ids.inBody}"`)
    } finally {
      await app.close()
    }
  })
})
