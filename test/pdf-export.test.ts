/**
 * The server's PDF browser (issue 13, finding 1): it prints from the process's own loopback origin,
 * whatever Host or X-Forwarded-Host a request carries, and the page it prints can reach nothing
 * else — no other host, no redirect, no websocket — with the requester's credentials going to that
 * origin only. Failures and overload are 503s with a message, never 500s. Real Chromium throughout.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApprovedNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { startApp, type RunningApp } from '#test/routes.ts'
import { closePdfBrowser, pdfRenders, renderPdf } from '#app/services/pdf.server.ts'
import { configureOrigins } from '#app/utils/origins.server.ts'
import { AppError } from '#app/domain/errors.ts'

/** A server that records every request it gets: the attacker's host, or a stand-in for the app. */
async function recordingServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, s) => s.end('x')) {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = []
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    seen,
    origin,
    host: new URL(origin).host,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A GET with headers fetch() would not let us forge (Host). */
function rawGet(origin: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
    const req = http.get(new URL(path, origin), { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
  })
}

const db = await useTestDatabase()

describe('PDF export over HTTP', () => {
  let app: RunningApp
  let ws: WorkspaceFixture
  let narrativeId: string
  let evil: Awaited<ReturnType<typeof recordingServer>>

  beforeAll(async () => {
    app = await startApp({ sql: db.sql })
    evil = await recordingServer()
    ws = await buildWorkspace()
    const n = await buildApprovedNarrative(ws, { title: 'Printed plan', markdown: '## Summary\n\nPrinted from our own origin.' })
    narrativeId = n.id
  })

  afterAll(async () => {
    await app?.close()
    await evil?.close()
    await closePdfBrowser()
  })

  it('prints from its own origin whatever Host and X-Forwarded-Host say, and sends the cookie nowhere else', async () => {
    const res = await rawGet(app.origin, `/read/${narrativeId}/export.pdf`, {
      Host: evil.host,
      'X-Forwarded-Host': evil.host,
      'X-Forwarded-Proto': 'http',
      Cookie: ws.reader.cookie,
    })
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/pdf')
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-')
    expect(evil.seen).toEqual([])
  })

  it('does the same for the review PDF, which runs the page’s own scripts', async () => {
    const res = await rawGet(app.origin, '/reviews/export.pdf', { Host: evil.host, 'X-Forwarded-Host': evil.host, Cookie: ws.owner.cookie })
    expect(res.status).toBe(200)
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-')
    expect(evil.seen).toEqual([])
  })

  it('builds invitation links on the public origin, not X-Forwarded-Host', async () => {
    const res = await app.fetch('/settings/members?_data=routes/_app.settings.members', {
      cookie: ws.owner.cookie,
      form: { intent: 'invite', email: 'new.person@example.com', role: 'editor', function: 'other' },
      headers: { 'X-Forwarded-Host': evil.host },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { inviteLink?: string }
    expect(body.inviteLink).toMatch(/^http:\/\/localhost:\d+\/invite\//)
    expect(body.inviteLink).not.toContain(evil.host)
  })
})

describe('renderPdf confines the page to the internal origin', () => {
  let site: Awaited<ReturnType<typeof recordingServer>>
  let evil: Awaited<ReturnType<typeof recordingServer>>

  beforeAll(async () => {
    evil = await recordingServer()
    site = await recordingServer((req, res) => {
      const page = (body: string) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>t</title>${body}`)
      if (req.url === '/page-with-foreign-parts')
        return page(
          `<p>Hello</p><img src="${evil.origin}/img"><link rel="stylesheet" href="${evil.origin}/css"><iframe src="${evil.origin}/frame"></iframe>` +
            `<script>fetch('${evil.origin}/fetch').catch(()=>{}); new WebSocket('${evil.origin.replace('http', 'ws')}/ws'); location.href='${evil.origin}/nav'</script>`,
        )
      if (req.url === '/redirect-away') return res.writeHead(302, { Location: `${evil.origin}/redirected` }).end()
      if (req.url === '/redirect-home') return res.writeHead(302, { Location: '/page-with-foreign-parts' }).end()
      if (req.url === '/broken') return res.writeHead(500).end('boom')
      if (req.url === '/slow') return void setTimeout(() => page('<p>slow</p>'), 800)
      page('<p>ok</p>')
    })
    configureOrigins({ public: 'http://localhost:1', internal: site.origin })
  })

  afterAll(async () => {
    await closePdfBrowser()
    await site?.close()
    await evil?.close()
  })

  it('blocks every request to another origin, with or without scripts, and credentials reach the app only', async () => {
    for (const javaScript of [false, true]) {
      const pdf = await renderPdf('/page-with-foreign-parts', { credentials: { cookie: 'accord_session=secret' }, javaScript })
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    }
    expect(evil.seen).toEqual([])
    const own = site.seen.filter((r) => r.url === '/page-with-foreign-parts')
    expect(own).toHaveLength(2)
    for (const r of own) expect(r.headers.cookie).toBe('accord_session=secret')
  })

  it('refuses redirects, even back to its own origin, as a 503', async () => {
    for (const path of ['/redirect-away', '/redirect-home']) {
      const error = await renderPdf(path, { credentials: {} }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).status).toBe(503)
    }
    expect(evil.seen).toEqual([])
  })

  it('answers a failed render with a 503 and a message', async () => {
    const error = (await renderPdf('/broken', { credentials: {} }).catch((e: unknown) => e)) as AppError
    expect(error).toBeInstanceOf(AppError)
    expect(error.status).toBe(503)
    expect(error.message).toMatch(/try again|answered 500/)
    expect(error.headers?.['Retry-After']).toBeDefined()
  })

  it('takes only a path of its own origin', async () => {
    for (const path of ['http://evil.example/x', '//evil.example/x', '/\\evil.example']) {
      const error = (await renderPdf(path, { credentials: {} }).catch((e: unknown) => e)) as AppError
      expect(error.status).toBe(400)
    }
  })

  it('times out with a 503, and the render gives its slot back', async () => {
    const error = (await renderPdf('/slow', { credentials: {}, timeoutMs: 300 }).catch((e: unknown) => e)) as AppError
    expect(error.status).toBe(503)
    expect(error.message).toMatch(/longer than/)
    // A render abandoned mid-navigation once held its slot for good (two of them and PDF export was dead).
    await vi.waitFor(() => expect(pdfRenders()).toEqual({ running: 0, waiting: 0 }), { timeout: 10_000 })
  })

  it('prints two at a time, queues eight, and turns the rest away with a 503', { timeout: 120_000 }, async () => {
    // A render given up by an earlier test (the time-out) still holds its slot while Chromium winds it down.
    await vi.waitFor(() => expect(pdfRenders()).toEqual({ running: 0, waiting: 0 }), { timeout: 30_000 })
    const results = await Promise.allSettled(Array.from({ length: 11 }, () => renderPdf('/slow', { credentials: {} })))
    const refused = results.filter((r) => r.status === 'rejected')
    expect(refused).toHaveLength(1)
    expect(((refused[0] as PromiseRejectedResult).reason as AppError).status).toBe(503)
    expect(((refused[0] as PromiseRejectedResult).reason as AppError).message).toMatch(/Too many PDFs/)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10)
  })
})
