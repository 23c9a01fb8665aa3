import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildOwner, buildWorkspace, PASSWORD, uniq } from '#test/factories.ts'
import { callRoute } from '#test/routes.ts'
import { AppError, conflict } from '#app/domain/errors.ts'
import { action as signupAction } from '#app/routes/signup.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as inviteAction, loader as inviteLoader } from '#app/routes/invite.$token.tsx'
import { action as narrativeAction } from '#app/routes/_app.narratives.$id.tsx'
import { action as apiCommentsAction } from '#app/routes/api.v1.narratives.$id.comments.ts'
import { createInvite } from '#app/services/workspaces.server.ts'
import { getSql } from '#db/client.ts'
import { findNul, formAction, parseOrThrow, readForm, readJson, requireParam } from './http.server.ts'

await useTestDatabase()

describe('formAction', () => {
  it('turns a typed error into its status with field messages and the typed values, minus the password', async () => {
    const res = await formAction({ email: 'a@b.test', password: 'secret123', name: 'Ann' }, async () => {
      throw conflict('Taken', { email: ['Taken'] })
    })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      ok: false,
      message: 'Taken',
      errors: { email: ['Taken'] },
      values: { email: 'a@b.test', name: 'Ann' },
    })
  })

  it('lets other errors through', async () => {
    await expect(formAction({}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
  })
})

describe('parseOrThrow', () => {
  it('throws a 400 with one message list per field', () => {
    const schema = z.object({ a: z.string().min(2, 'too short'), b: z.object({ c: z.number('a number') }) })
    let error: unknown
    try {
      parseOrThrow(schema, { a: 'x', b: { c: 'y' } })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ status: 400, fieldErrors: { a: ['too short'], 'b.c': ['a number'] } })
  })

  it('refuses NUL characters anywhere in the input with a 400 (PostgreSQL text cannot hold them)', () => {
    expect(() => parseOrThrow(z.object({ a: z.string() }), { a: 'x\u0000y' })).toThrow(/NUL/)
    expect(() => parseOrThrow(z.any(), { list: [{ deep: ['\u0000'] }] })).toThrow(/NUL/)
    expect(() => parseOrThrow(z.any(), { ['k\u0000']: 1 })).toThrow(/NUL/)
    expect(parseOrThrow(z.object({ a: z.string() }), { a: 'fine \u0001' })).toEqual({ a: 'fine \u0001' })
    // Deep input is walked without recursion.
    let deep: unknown = 'x\u0000'
    for (let i = 0; i < 200_000; i++) deep = [deep]
    expect(findNul(deep)).toBe('x\u0000')
  })
})

describe('requireParam', () => {
  const Id = z.uuid()
  it('answers the parsed parameter', () => {
    const id = crypto.randomUUID()
    expect(requireParam({ id }, 'id', Id, 'Narrative')).toBe(id)
  })
  it('is the 404 of a missing object when the parameter is malformed or absent, never a 400', () => {
    for (const params of [{ id: 'not-a-uuid' }, {}]) {
      const e = (() => {
        try {
          requireParam(params, 'id', Id, 'Narrative')
        } catch (error) {
          return error
        }
      })()
      expect(e).toBeInstanceOf(AppError)
      expect(e).toMatchObject({ status: 404, message: 'Narrative not found' })
    }
  })
})

describe('readForm', () => {
  it('answers an oversized or unreadable form with a thrown 413/400 Response, not an error', async () => {
    const big = new Request('http://localhost/x', {
      method: 'POST',
      body: 'a=' + 'x'.repeat(300_000),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '300002' },
    })
    await expect(readForm(big)).rejects.toMatchObject({ status: 413 })
    const broken = new Request('http://localhost/x', {
      method: 'POST',
      body: '--x\r\n',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
    })
    await expect(readForm(broken)).rejects.toMatchObject({ status: 400 })
  })
})

describe('readJson', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    new Request('http://localhost/api', { method: 'POST', body, headers })
  it('parses JSON, refuses malformed JSON (400) and oversized bodies (413) with or without Content-Length', async () => {
    await expect(readJson(post('{"a":1}'))).resolves.toEqual({ a: 1 })
    await expect(readJson(post('{"a":'))).rejects.toMatchObject({ status: 400 })
    await expect(readJson(post('x'.repeat(2000)), 1000)).rejects.toMatchObject({ status: 413 })
    await expect(readJson(post('{}', { 'Content-Length': '5000000' }))).rejects.toMatchObject({ status: 413 })
  })
})

describe('routes called directly', () => {
  it('sign-up: bad input is a 400 with a message per field, keeping what was typed (not the password)', async () => {
    const res = await callRoute(signupAction, '/signup', {
      form: { name: '', email: 'not-an-email', password: 'short', workspaceName: 'Acme' },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: Record<string, string[]>; values: Record<string, string> }
    expect(Object.keys(body.errors).sort()).toEqual(['email', 'name', 'password'])
    expect(body.errors.password?.[0]).toMatch(/at least 8/)
    expect(body.values).toEqual({ name: '', email: 'not-an-email', workspaceName: 'Acme' })
  })

  it('sign-up: success redirects to /home with an HttpOnly session cookie', async () => {
    const id = uniq()
    const res = await callRoute(signupAction, '/signup', {
      form: { name: 'Ann', email: `ann-${id}@example.test`, password: PASSWORD, workspaceName: `Acme ${id}` },
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/home')
    expect(res.headers.get('Set-Cookie')).toMatch(/^accord_session=.+HttpOnly/i)
  })

  it('sign-in: never redirects off-site after success', async () => {
    const { owner } = await buildOwner()
    const res = await callRoute(loginAction, '/login', {
      form: { email: owner.email, password: PASSWORD, redirectTo: '//evil.example/phish' },
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/')
  })

  it('sign-in: marks the browser as a known device (HttpOnly cookie, sent to /login only)', async () => {
    const { owner } = await buildOwner()
    const res = await callRoute(loginAction, '/login', { form: { email: owner.email, password: PASSWORD } })
    const cookies = res.headers.getSetCookie()
    expect(cookies).toHaveLength(2)
    expect(cookies[1]).toMatch(/^accord_device=.+; Max-Age=31536000; Path=\/login; HttpOnly; SameSite=Lax$/)
  })

  it('invite page: shows who invited whom to what; an unknown link is a 404', async () => {
    const { owner, workspace } = await buildOwner()
    const { token } = await createInvite(owner.actor, {
      role: 'commenter',
      function: 'customer_success',
      email: `cs-${uniq()}@example.test`,
    })
    const res = await callRoute(inviteLoader, `/invite/${token}`, { params: { token } })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      workspaceName: workspace.name,
      invitedBy: owner.name,
      role: 'Commenter',
      function: 'Customer Success',
      signedInAs: null,
    })
    const missing = await callRoute(inviteLoader, `/invite/${'a'.repeat(32)}`, { params: { token: 'a'.repeat(32) } })
    expect(missing.status).toBe(404)
  })
})

describe('invite page: the link is for one address', () => {
  it('someone signed in with another address sees whom it is for, and posting joins nobody (403)', async () => {
    const { owner, workspace } = await buildOwner()
    const invited = `invited-${uniq()}@example.test`
    const { token } = await createInvite(owner.actor, { role: 'editor', function: 'product', email: invited })
    const { owner: other } = await buildOwner()
    const page = await callRoute(inviteLoader, `/invite/${token}`, { params: { token }, cookie: other.cookie })
    expect(await page.json()).toMatchObject({ email: invited, signedInAs: other.email, forAnotherAddress: true })
    const post = await callRoute(inviteAction, `/invite/${token}`, { params: { token }, cookie: other.cookie, form: {} })
    expect(post.status).toBe(403)
    expect(((await post.json()) as { message: string }).message).toContain(invited)
    expect(await getSql()`select 1 from memberships where workspace_id = ${workspace.id} and user_id = ${other.id}`).toHaveLength(0)
  })
})

describe('inputs that once answered 500 (issue 13)', () => {
  it.each([
    ['a LF', '/\n/evil.example'],
    ['a TAB (browsers drop it and follow //evil.example)', '/\t/evil.example'],
    ['a CR LF header split', '/home\r\nSet-Cookie: x=1'],
  ])('sign-in with %s in redirectTo goes home', async (_label, redirectTo) => {
    const { owner } = await buildOwner()
    const res = await callRoute(loginAction, '/login', { form: { email: owner.email, password: PASSWORD, redirectTo } })
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/')
  })

  it('a comment anchor of 1 mod 4 base64 characters is a 400 with a field message, by form and by API', async () => {
    const ws = await buildWorkspace()
    const narrative = await buildNarrative(ws.owner)
    const fields = { intent: 'start', anchorStart: 'QUJDQ', anchorEnd: 'QUJDRA==', quote: 'x', body: 'x' }
    const form = await callRoute(narrativeAction, `/narratives/${narrative.id}`, {
      cookie: ws.commenter.cookie,
      params: { id: narrative.id },
      form: fields,
    })
    expect(form.status).toBe(400)
    expect(((await form.json()) as { errors: Record<string, string[]> }).errors.anchorStart).toEqual(['Anchor must be base64'])
    const api = await callRoute(apiCommentsAction, `/api/v1/narratives/${narrative.id}/comments`, {
      headers: { Authorization: `Bearer ${await buildApiToken(ws.owner)}` },
      params: { id: narrative.id },
      json: { ...fields, anchorEnd: 'QUJDQ', anchorStart: 'QUJDRA==' },
    })
    expect(api.status).toBe(400)
    expect(JSON.stringify(await api.json())).toContain('Anchor must be base64')
    const [{ n }] = await getSql()<[{ n: number }]>`select count(*)::int as n from comment_threads where narrative_id = ${narrative.id}`
    expect(n).toBe(0)
  })
})
