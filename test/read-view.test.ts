/**
 * The reading view over HTTP (createApp with the built Remix handler): GET /read/:id is answered by
 * the route's own loader without Remix's route matching (server/app.ts), the page is cached by an
 * ETag of everything it shows, and a repeat reader gets 304. Anything but a 200/304 falls through
 * to Remix, so sign-in redirects and 404s are exactly Remix's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApprovedNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { outcome, startApp, type RunningApp } from '#test/routes.ts'

const db = await useTestDatabase()
let app: RunningApp
let ws: WorkspaceFixture
let other: WorkspaceFixture
let narrativeId: string

beforeAll(async () => {
  app = await startApp({ sql: db.sql })
  ws = await buildWorkspace()
  other = await buildWorkspace()
  const n = await buildApprovedNarrative(ws, { title: 'FY27 reading plan', markdown: '## Summary\n\nWe grow pipeline by six percent.' })
  narrativeId = n.id
})

afterAll(async () => {
  await app?.close()
})

describe('GET /read/:id', () => {
  it('answers the same page as Remix does, with an ETag, private and revalidated', async () => {
    const fast = await app.fetch(`/read/${narrativeId}`, { cookie: ws.reader.cookie })
    expect(fast.status).toBe(200)
    expect(fast.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(fast.headers.get('Cache-Control')).toBe('private, no-cache')
    // Helmet's headers are set before the fast path, as for every page.
    expect(fast.headers.get('Content-Security-Policy')).toContain("default-src 'self'")
    const etag = fast.headers.get('ETag')
    expect(etag).toMatch(/^"r-[\w-]+"$/)
    const html = await fast.text()
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
    expect(html).toContain('FY27 reading plan')
    expect(html).toContain('We grow pipeline by six percent.')
    expect(html).toContain('Approved · v')
    expect(html).toContain('value="acknowledge"')
    expect(html).toContain('Metrics: approved vs now')
    expect(html).not.toContain('data-frozen-html')

    // An unknown query parameter is left to Remix (same loader, full route matching): same bytes.
    const viaRemix = await app.fetch(`/read/${narrativeId}?via=remix`, { cookie: ws.reader.cookie })
    expect(viaRemix.status).toBe(200)
    expect(viaRemix.headers.get('ETag')).toBe(etag)
    expect(await viaRemix.text()).toBe(html)
  })

  it('answers 304 to a repeat reader, and a new ETag once their state changes', async () => {
    const first = await app.fetch(`/read/${narrativeId}`, { cookie: ws.commenter.cookie })
    const etag = first.headers.get('ETag')!
    await first.arrayBuffer()
    const again = await app.fetch(`/read/${narrativeId}`, { cookie: ws.commenter.cookie, headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('ETag')).toBe(etag)

    const ack = await app.fetch(`/read/${narrativeId}`, { cookie: ws.commenter.cookie, form: { intent: 'acknowledge' } })
    expect(outcome(ack)).toBe(`303 /read/${narrativeId}`)
    const after = await app.fetch(`/read/${narrativeId}`, { cookie: ws.commenter.cookie, headers: { 'If-None-Match': etag } })
    expect(after.status).toBe(200)
    expect(after.headers.get('ETag')).not.toBe(etag)
    expect(await after.text()).toContain('You acknowledged v')
  })

  it('a stale or foreign ETag gets the page, never a 304', async () => {
    const res = await app.fetch(`/read/${narrativeId}`, { cookie: ws.editor.cookie, headers: { 'If-None-Match': '"r-not-this-one"' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('FY27 reading plan')
  })

  it('leaves refusals to Remix: sign in, foreign workspace, unknown id, other methods', async () => {
    expect(outcome(await app.fetch(`/read/${narrativeId}`))).toBe('302 /login')
    const foreign = await app.fetch(`/read/${narrativeId}`, { cookie: other.reader.cookie })
    expect(foreign.status).toBe(404)
    const unknown = await app.fetch(`/read/00000000-0000-4000-8000-000000000000`, { cookie: ws.reader.cookie })
    expect(unknown.status).toBe(404)
    const head = await app.fetch(`/read/${narrativeId}`, { cookie: ws.reader.cookie, method: 'HEAD' })
    expect(head.status).toBe(200)
  })
})
