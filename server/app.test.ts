import net from 'node:net'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildOwner, buildWorkspace, PASSWORD, uniq, type WorkspaceFixture } from '#test/factories.ts'
import { startApp, type RunningApp } from '#test/routes.ts'
import { allowConsoleError } from '#test/setup.ts'

const db = await useTestDatabase()
let app: RunningApp
let ws: WorkspaceFixture

beforeAll(async () => {
  // As behind a TLS-terminating proxy on the same host (TRUST_PROXY=loopback).
  app = await startApp({ sql: db.sql, trustProxy: ['loopback'] })
  ws = await buildWorkspace()
})
afterAll(async () => {
  await app?.close()
})

const problemOf = async (res: Response) => {
  expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
  return (await res.json()) as { status: number; title: string; detail: string; errors?: Record<string, string[]> }
}

describe('/healthz', () => {
  it('answers 200 {"ok":true} while the database answers', async () => {
    const res = await app.fetch('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('answers 503 when the database is gone', async () => {
    // A pool that has been closed …
    const closed = postgres(db.url, { max: 1, onnotice: () => {} })
    await closed`select 1`
    await closed.end()
    const a = await startApp({ sql: closed })
    // … and one pointing where no database listens.
    const dead = postgres('postgres://postgres@127.0.0.1:1/accord', { max: 1, connect_timeout: 2, onnotice: () => {} })
    const b = await startApp({ sql: dead })
    try {
      for (const down of [a, b]) {
        const res = await down.fetch('/healthz')
        expect(res.status).toBe(503)
        expect(await res.json()).toMatchObject({ ok: false })
      }
    } finally {
      await Promise.all([a.close(), b.close(), dead.end({ timeout: 0 })])
    }
  })
})

describe('security headers', () => {
  it('a page carries a CSP with a fresh nonce that its script tags use, and the standard headers', async () => {
    const [first, second] = await Promise.all([app.fetch('/login'), app.fetch('/login')])
    expect(first.status).toBe(200)
    const csp = first.headers.get('Content-Security-Policy') ?? ''
    const nonce = /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/)
    expect(first.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(first.headers.get('X-Frame-Options')).toBe('SAMEORIGIN')
    expect(first.headers.get('Referrer-Policy')).toBe('same-origin')
    expect(first.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/)
    expect(first.headers.get('X-Powered-By')).toBeNull()

    const html = await first.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length).toBeGreaterThan(1)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)

    const otherNonce = /'nonce-([^']+)'/.exec(second.headers.get('Content-Security-Policy') ?? '')?.[1]
    expect(otherNonce).toBeTruthy()
    expect(otherNonce).not.toBe(nonce)
    await second.text()
  })

  it('API answers carry the headers too', async () => {
    const res = await app.fetch('/api/v1/me')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
  })
})

describe('cross-site requests', () => {
  it.each([
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a look-alike origin', { Origin: 'http://127.0.0.1.evil.example' }],
    ['an opaque Origin (sandboxed frame)', { Origin: 'null' }],
  ])('refuses a POST with %s (403) and changes nothing', async (_label, headers) => {
    const { owner } = await buildOwner()
    const res = await app.fetch('/logout', { method: 'POST', cookie: owner.cookie, headers, form: {}, sameOrigin: false })
    expect(res.status).toBe(403)
    expect((await problemOf(res)).detail).toMatch(/Cross-site/)
    // The session still works.
    expect((await app.fetch('/home', { cookie: owner.cookie })).status).toBe(200)
  })

  it('refuses a cross-site form post that would create an invite', async () => {
    const res = await app.fetch('/settings/members', {
      method: 'POST',
      cookie: ws.owner.cookie,
      headers: { Origin: 'https://evil.example' },
      form: { intent: 'invite', role: 'owner', function: 'other', email: 'mallory@example.test' },
    })
    expect(res.status).toBe(403)
    expect(await db.sql`select 1 from invites where workspace_id = ${ws.workspace.id} and role = 'owner'`).toHaveLength(0)
  })

  it('lets a same-origin form post through', async () => {
    const res = await app.fetch('/login', { form: { email: 'x@example.test', password: '' } })
    expect(res.status).toBe(400)
  })

  it('GET never mutates: /logout by GET keeps the session', async () => {
    const { owner } = await buildOwner()
    const res = await app.fetch('/logout', { cookie: owner.cookie })
    expect(res.status).toBe(302)
    expect((await app.fetch('/home', { cookie: owner.cookie })).status).toBe(200)
  })
})

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Lax, Secure behind HTTPS, and replaced at each sign-in', async () => {
    const { owner } = await buildOwner()
    const form = { email: owner.email, password: PASSWORD, redirectTo: '/home' }
    const plain = await app.fetch('/login', { form, headers: { 'X-Forwarded-For': `10.0.0.${Math.floor(Math.random() * 200)}` } })
    expect(plain.status).toBe(302)
    expect(plain.headers.get('Location')).toBe('/home')
    const cookie = plain.headers.get('Set-Cookie') ?? ''
    expect(cookie).toMatch(/^accord_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Secure/i)

    // Behind a TLS-terminating proxy on loopback (trust proxy), the cookie is Secure.
    const https = await app.fetch('/login', {
      form,
      headers: { 'X-Forwarded-Proto': 'https', Origin: app.origin.replace('http:', 'https:') },
    })
    expect(https.status).toBe(302)
    expect(https.headers.get('Set-Cookie')).toMatch(/Secure/i)
    expect(https.headers.get('Set-Cookie')?.split(';')[0]).not.toBe(cookie.split(';')[0])
  })

  it('ignores X-Forwarded-* from a client that is not a configured proxy (the default)', async () => {
    const direct = await startApp({ sql: db.sql })
    try {
      const { owner } = await buildOwner()
      const res = await direct.fetch('/login', {
        form: { email: owner.email, password: PASSWORD, redirectTo: '/home' },
        sameOrigin: false,
        headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example:4444' },
      })
      expect(res.status).toBe(302)
      expect(res.headers.get('Set-Cookie')).not.toMatch(/Secure/i)
    } finally {
      await direct.close()
    }
  })

  it('sign-out ends the session on the server (the old cookie is refused afterwards)', async () => {
    const { owner } = await buildOwner()
    const res = await app.fetch('/logout', { method: 'POST', cookie: owner.cookie, form: {} })
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/login')
    expect(res.headers.get('Set-Cookie')).toMatch(/accord_session=;.*Max-Age=0/i)
    const after = await app.fetch('/home', { cookie: owner.cookie })
    expect(after.status).toBe(302)
    expect(after.headers.get('Location')).toMatch(/^\/login/)
  })

  it('throttled sign-in answers 429 with Retry-After and a clear message', async () => {
    const { owner } = await buildOwner()
    await db.sql`insert into sign_in_throttle (key, failures, last_failed_at, next_at)
      values (${`email:${owner.email}`}, 10, now(), now() + interval '10 minutes')`
    const res = await app.fetch('/login', { form: { email: owner.email, password: PASSWORD } })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await res.text()).toMatch(/Too many failed sign-in attempts/)
    const api = await app.fetch('/api/v1/tokens', { json: { email: owner.email, password: PASSWORD } })
    expect(api.status).toBe(429)
    expect(api.headers.get('Retry-After')).toBeTruthy()
  })
})

describe('POST /api/v1/tokens', () => {
  it('201 with a token that works for /api/v1/me', async () => {
    const res = await app.fetch('/api/v1/tokens', { json: { email: ws.editor.email, password: PASSWORD } })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { token: string; workspace: { id: string; name: string } }
    expect(body.token).toMatch(/^acc_/)
    expect(body.workspace).toEqual({ id: ws.workspace.id, name: ws.workspace.name })
    const me = await app.fetch('/api/v1/me', { token: body.token })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({
      user: { id: ws.editor.id, name: ws.editor.name, email: ws.editor.email },
      workspace: { id: ws.workspace.id, name: ws.workspace.name },
      role: 'editor',
    })
  })

  it('accepts the email in any case and the workspace by name', async () => {
    const res = await app.fetch('/api/v1/tokens', {
      json: { email: ws.reader.email.toUpperCase(), password: PASSWORD, workspace: ws.workspace.name },
    })
    expect(res.status).toBe(201)
  })

  it.each([
    ['a missing email', { password: PASSWORD }, 'email'],
    ['a malformed email', { email: 'not-an-email', password: PASSWORD }, 'email'],
    ['a number as email', { email: 42, password: PASSWORD }, 'email'],
    ['a missing password', { email: 'someone@example.test' }, 'password'],
    ['an object as password', { email: 'someone@example.test', password: { $ne: null } }, 'password'],
    ['a number as workspace', { email: 'someone@example.test', password: PASSWORD, workspace: 7 }, 'workspace'],
  ])('400 with a field message for %s', async (_label, body, field) => {
    const res = await app.fetch('/api/v1/tokens', { json: body })
    expect(res.status).toBe(400)
    const problem = await problemOf(res)
    expect(problem.status).toBe(400)
    expect(problem.errors?.[field]?.length).toBeGreaterThan(0)
  })

  it.each([
    ['malformed JSON', '{"email": "a@b.test",'],
    ['an array', '[]'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['an empty body', ''],
  ])('400 for %s', async (_label, body) => {
    const res = await app.fetch('/api/v1/tokens', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    expect(res.status).toBe(400)
    expect((await problemOf(res)).status).toBe(400)
  })

  it('413 for an oversized body', async () => {
    const res = await app.fetch('/api/v1/tokens', { json: { email: 'a@b.test', password: 'x'.repeat(100_000) } })
    expect(res.status).toBe(413)
    expect((await problemOf(res)).status).toBe(413)
  })

  it('a wrong password and an unknown email get the same answer, never a token', async () => {
    const wrong = await app.fetch('/api/v1/tokens', { json: { email: ws.owner.email, password: 'wrong password' } })
    const unknown = await app.fetch('/api/v1/tokens', { json: { email: `nobody-${uniq()}@example.test`, password: 'wrong password' } })
    expect(wrong.status).toBeGreaterThanOrEqual(400)
    const [a, b] = [await problemOf(wrong), await problemOf(unknown)]
    expect({ status: unknown.status, detail: b.detail }).toEqual({ status: wrong.status, detail: a.detail })
  })

  it('405 for GET', async () => {
    expect((await app.fetch('/api/v1/tokens')).status).toBe(405)
  })
})

describe('GET /api/v1/me', () => {
  it('401 problem+json without a token, with a malformed one, an unknown one and a revoked one', async () => {
    const token = await buildApiToken(ws.owner)
    const [row] = await db.sql<{ id: string }[]>`select id from api_tokens where prefix = ${token.slice(0, 10)}`
    await db.sql`update api_tokens set revoked_at = now() where id = ${row!.id}`
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer' },
      { Authorization: 'Token abc' },
      { Authorization: `Bearer acc_${'A'.repeat(40)}` },
      { Authorization: `Bearer ${token}` },
    ]) {
      const res = await app.fetch('/api/v1/me', { headers })
      expect(res.status).toBe(401)
      expect((await problemOf(res)).status).toBe(401)
    }
  })

  it('a session cookie is not an API credential', async () => {
    expect((await app.fetch('/api/v1/me', { cookie: ws.owner.cookie })).status).toBe(401)
  })
})

describe('/api/v1/narratives', () => {
  it('creates (201 + Location), lists and reads narratives of the token’s workspace', async () => {
    const token = await buildApiToken(ws.editor)
    const created = await app.fetch('/api/v1/narratives', { token, json: { title: 'FY27 pipeline', template: 'strategy' } })
    expect(created.status).toBe(201)
    const n = (await created.json()) as { id: string; title: string; status: string; template: string }
    expect(n).toMatchObject({ title: 'FY27 pipeline', status: 'draft', template: 'strategy' })
    expect(created.headers.get('Location')).toBe(`/api/v1/narratives/${n.id}`)

    const list = (await (await app.fetch('/api/v1/narratives', { token })).json()) as { data: { id: string }[] }
    expect(list.data.map((x) => x.id)).toContain(n.id)
    const one = await app.fetch(`/api/v1/narratives/${n.id}`, { token })
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ id: n.id, title: 'FY27 pipeline' })
  })

  it('404 problem+json for another workspace’s, a random and a non-uuid id', async () => {
    const token = await buildApiToken(ws.owner)
    const other = await buildWorkspace()
    const foreign = await buildNarrative(other.owner, { title: 'Not yours', status: 'approved' })
    for (const id of [foreign.id, crypto.randomUUID(), 'not-a-uuid', '1', `${foreign.id}x`]) {
      const res = await app.fetch(`/api/v1/narratives/${id}`, { token })
      expect(res.status, id).toBe(404)
      expect((await problemOf(res)).status).toBe(404)
    }
    const list = (await (await app.fetch('/api/v1/narratives', { token })).json()) as { data: { id: string }[] }
    expect(list.data.map((x) => x.id)).not.toContain(foreign.id)
  })

  it.each([
    ['an unknown template', { title: 'T', template: 'novel' }, 'template'],
    ['a missing template', { title: 'T' }, 'template'],
    ['an empty title', { title: '   ', template: 'strategy' }, 'title'],
    ['a number as title', { title: 5, template: 'strategy' }, 'title'],
  ])('400 with a field message for %s, and nothing saved', async (_label, body, field) => {
    const token = await buildApiToken(ws.owner)
    const [before] = await db.sql`select count(*)::int as n from narratives where workspace_id = ${ws.workspace.id}`
    const res = await app.fetch('/api/v1/narratives', { token, json: body })
    expect(res.status).toBe(400)
    expect((await problemOf(res)).errors?.[field]?.length).toBeGreaterThan(0)
    expect(await db.sql`select count(*)::int as n from narratives where workspace_id = ${ws.workspace.id}`).toEqual([before])
  })

  it('400 for bad list filters', async () => {
    const token = await buildApiToken(ws.owner)
    const res = await app.fetch('/api/v1/narratives?status=published', { token })
    expect(res.status).toBe(400)
    expect((await problemOf(res)).errors?.status).toBeTruthy()
  })

  it('413 for an oversized body', async () => {
    const token = await buildApiToken(ws.owner)
    const res = await app.fetch('/api/v1/narratives', { token, json: { title: 'x'.repeat(70_000), template: 'strategy' } })
    expect(res.status).toBe(413)
  })

  it('commenters and readers cannot create (403); readers see approved narratives only', async () => {
    const draft = await buildNarrative(ws.owner, { title: 'Draft plan' })
    const approved = await buildNarrative(ws.owner, { title: 'Approved plan', status: 'approved' })
    for (const who of [ws.commenter, ws.reader]) {
      const token = await buildApiToken(who)
      const res = await app.fetch('/api/v1/narratives', { token, json: { title: 'Mine', template: 'blank' } })
      expect(res.status).toBe(403)
      expect((await problemOf(res)).status).toBe(403)
    }
    const readerToken = await buildApiToken(ws.reader)
    const list = (await (await app.fetch('/api/v1/narratives', { token: readerToken })).json()) as {
      data: { id: string; status: string }[]
    }
    expect(list.data.map((n) => n.status)).toEqual(list.data.map(() => 'approved'))
    expect(list.data.map((n) => n.id)).toContain(approved.id)
    expect((await app.fetch(`/api/v1/narratives/${draft.id}`, { token: readerToken })).status).toBe(404)
  })
})

describe('unknown API paths', () => {
  it.each(['/api/v1/nope', '/api/v1/narratives/a/b', '/api/v1/'])('%s answers 404 problem+json, not the HTML app', async (p) => {
    for (const method of ['GET', 'POST']) {
      const res = await app.fetch(p, { method, ...(method === 'POST' ? { json: {} } : {}) })
      expect(res.status).toBe(404)
      expect((await problemOf(res)).status).toBe(404)
    }
  })
})

describe('bodies answered before they are read', () => {
  /** Writes `chunks` on one raw connection; everything the server sent, and how the connection ended. */
  function exchange(chunks: (string | Buffer)[]) {
    const { hostname, port } = new URL(app.origin)
    return new Promise<{ received: string; error: string | null }>((resolve) => {
      const socket = net.connect(Number(port), hostname)
      let received = ''
      let error: string | null = null
      socket.on('data', (d) => (received += d.toString('latin1')))
      socket.on('error', (e) => (error = e.message))
      socket.on('close', () => resolve({ received, error }))
      for (const c of chunks) socket.write(c)
    })
  }

  it('a 3 MB body refused by its Content-Length gets its 413, and the connection serves the next request', async () => {
    const token = await buildApiToken(ws.owner)
    const body = Buffer.from(JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024), template: 'blank' }))
    const { received, error } = await exchange([
      `POST /api/v1/narratives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
      // Left unread, the rest of the body stalled the upload until the idle timeout reset the
      // connection: the client lost the 413 and this request with it.
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ])
    expect(error).toBeNull()
    expect(received.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200'])
    expect(received).toContain('application/problem+json')
  })

  it('fetch sees the 413 of a 3 MB body and the 401 of a large unauthenticated one', async () => {
    const token = await buildApiToken(ws.owner)
    const big = JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024) })
    for (let i = 0; i < 3; i++) {
      expect((await app.fetch('/api/v1/narratives', { token, json: JSON.parse(big) as unknown })).status).toBe(413)
      expect((await app.fetch('/api/v1/narratives', { json: { title: 'x'.repeat(500_000) } })).status).toBe(401)
      expect((await app.fetch('/api/v1/me', { token })).status).toBe(200)
    }
  })
})

describe('server errors', () => {
  it('an unexpected failure is a 500 problem without internals', async () => {
    allowConsoleError()
    const token = await buildApiToken(ws.owner)
    // Break the query the handler runs (the table is restored right after).
    await db.sql`alter table narratives rename to narratives_away`
    try {
      const res = await app.fetch('/api/v1/narratives', { token })
      expect(res.status).toBe(500)
      const problem = await problemOf(res)
      expect(JSON.stringify(problem)).not.toMatch(/narratives_away|relation|stack/i)
    } finally {
      await db.sql`alter table narratives_away rename to narratives`
    }
  })
})
