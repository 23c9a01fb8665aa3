import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildOwner, PASSWORD, uniq } from '#test/factories.ts'
import { AppError } from '#app/domain/errors.ts'
import { sha256 } from '#app/utils/crypto.server.ts'
import { getSessionUser } from '#app/utils/auth.server.ts'
import { recordFailure } from '#db/queries/sign-in-failures.ts'
import { endSession, signIn, signUp, verifyCredentials } from './accounts.server.ts'

const db = await useTestDatabase()
const sql = db.sql

/** The AppError a promise rejects with (fails the test when it resolves or throws something else). */
async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

const requestWith = (token: string, cookie: string) => new Request('http://localhost/home', { headers: { Cookie: cookie || token } })

describe('signUp', () => {
  it('creates the user, their workspace with them as owner, and a session, together', async () => {
    const id = uniq()
    const { user, workspace, session } = await signUp({
      name: 'Maya Okafor',
      email: `maya-${id}@example.test`,
      password: PASSWORD,
      workspaceName: `Acme ${id}`,
    })
    const [row] = await sql`select u.email, u.name, w.name as workspace, m.role
      from users u join memberships m on m.user_id = u.id join workspaces w on w.id = m.workspace_id
      where u.id = ${user.id}`
    expect(row).toEqual({ email: `maya-${id}@example.test`, name: 'Maya Okafor', workspace: `Acme ${id}`, role: 'owner' })
    expect(workspace.name).toBe(`Acme ${id}`)
    const [s] = await sql`select user_id, workspace_id from sessions where id_hash = ${sha256(session.token)}`
    expect(s).toEqual({ user_id: user.id, workspace_id: workspace.id })
  })

  it('stores a password hash, never the password', async () => {
    const { owner } = await buildOwner()
    const [row] = await sql`select password_hash from users where id = ${owner.id}`
    expect(row!.password_hash).toMatch(/^scrypt\$/)
    expect(row!.password_hash).not.toContain(PASSWORD)
  })

  it('refuses a taken email with 409 and a field message, leaving no half-created workspace', async () => {
    const { owner } = await buildOwner()
    const workspaceName = `Second try ${uniq()}`
    const [before] = await sql`select (select count(*)::int from users) as users, (select count(*)::int from workspaces) as workspaces,
      (select count(*)::int from memberships) as memberships, (select count(*)::int from sessions) as sessions`
    const e = await appError(signUp({ name: 'Someone Else', email: owner.email, password: 'another password', workspaceName }))
    expect(e.status).toBe(409)
    expect(e.fieldErrors?.email?.[0]).toMatch(/already exists/)
    const [after] = await sql`select (select count(*)::int from users) as users, (select count(*)::int from workspaces) as workspaces,
      (select count(*)::int from memberships) as memberships, (select count(*)::int from sessions) as sessions`
    expect(after).toEqual(before)
    expect(await sql`select id from workspaces where name = ${workspaceName}`).toHaveLength(0)
  })
})

describe('signIn', () => {
  it('answers the same for an unknown email and a wrong password', async () => {
    const { owner } = await buildOwner()
    const wrong = await appError(signIn({ email: owner.email, password: 'not the password', ip: `ip-${uniq()}` }))
    const unknown = await appError(signIn({ email: `nobody-${uniq()}@example.test`, password: 'not the password', ip: `ip-${uniq()}` }))
    expect(wrong.status).toBe(400)
    expect({ status: unknown.status, message: unknown.message, fields: unknown.fieldErrors }).toEqual({
      status: wrong.status,
      message: wrong.message,
      fields: wrong.fieldErrors,
    })
    expect(wrong.message).toBe('Email or password is incorrect')
  })

  it('starts a new session (new id) at every sign-in and stores only its hash', async () => {
    const { owner } = await buildOwner()
    const a = await signIn({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })
    const b = await signIn({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })
    const tokens = [owner.sessionToken, a.session.token, b.session.token]
    expect(new Set(tokens).size).toBe(3)
    const rows = await sql<
      { id_hash: string; workspace_id: string }[]
    >`select id_hash, workspace_id from sessions where user_id = ${owner.id}`
    expect(rows.map((r) => r.id_hash).sort()).toEqual(tokens.map(sha256).sort())
    // Signed in to their (first) workspace.
    expect(rows.every((r) => r.workspace_id === owner.workspaceId)).toBe(true)
    expect(await sql`select 1 from sessions where id_hash = any(${tokens})`).toHaveLength(0)
  })

  it('sign-out deletes the session on the server, so the old cookie no longer works', async () => {
    const { owner } = await buildOwner()
    const other = await signIn({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })
    expect(await getSessionUser(requestWith(owner.sessionToken, owner.cookie))).toMatchObject({ user: { id: owner.id } })
    await endSession(owner.sessionToken)
    expect(await getSessionUser(requestWith(owner.sessionToken, owner.cookie))).toBeNull()
    expect(await sql`select 1 from sessions where id_hash = ${sha256(owner.sessionToken)}`).toHaveLength(0)
    // Only that session ended.
    expect(await sql`select 1 from sessions where id_hash = ${sha256(other.session.token)}`).toHaveLength(1)
  })

  it('an expired session does not sign anyone in', async () => {
    const { owner } = await buildOwner()
    await sql`update sessions set expires_at = now() - interval '1 second' where id_hash = ${sha256(owner.sessionToken)}`
    expect(await getSessionUser(requestWith(owner.sessionToken, owner.cookie))).toBeNull()
  })
})

describe('throttling', () => {
  it('does not slow the first failures, slows later ones, and refuses after 10 per account with Retry-After', async () => {
    const { owner } = await buildOwner()
    const ip = `ip-${uniq()}`
    for (let i = 0; i < 3; i++) {
      const e = await appError(verifyCredentials({ email: owner.email, password: 'wrong password', ip }))
      expect(e.status).toBe(400)
    }
    // Fast-forward to 9 recorded failures (through the same query the service uses) …
    for (let i = 3; i < 9; i++) await recordFailure(sql, [`email:${owner.email}`])
    // … the 10th failure is slowed (9 earlier failures → at least 1.75 s) …
    const started = performance.now()
    const tenth = await appError(verifyCredentials({ email: owner.email, password: 'wrong password', ip: `ip-${uniq()}` }))
    expect(tenth.status).toBe(400)
    expect(performance.now() - started).toBeGreaterThanOrEqual(1700)
    // … and then even the right password is refused, with a clear message and Retry-After.
    const refused = await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` }))
    expect(refused.status).toBe(429)
    expect(refused.message).toMatch(/Too many failed sign-in attempts/)
    expect(Number(refused.headers?.['Retry-After'])).toBeGreaterThan(0)
    // Another account is not affected.
    const { owner: other } = await buildOwner()
    await expect(verifyCredentials({ email: other.email, password: PASSWORD, ip: `ip-${uniq()}` })).resolves.toMatchObject({ id: other.id })
  })

  it('parallel guesses cannot get past the limit (each attempt counts before its password is checked)', async () => {
    const { owner } = await buildOwner()
    const attempts = await Promise.allSettled(
      Array.from({ length: 30 }, () => verifyCredentials({ email: owner.email, password: 'wrong guess', ip: `ip-${uniq()}` })),
    )
    const statuses = attempts.map((r) => (r.status === 'rejected' ? (r.reason as AppError).status : 200))
    // At most 10 guesses were checked; the rest were refused before their password was looked at.
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(10)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20)
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true)
    const [row] = await sql`select count(*)::int as n from sign_in_failures where key = ${`email:${owner.email}`}`
    expect(row!.n).toBeLessThanOrEqual(10)
  })

  it('slows a guesser after 3 failures', async () => {
    const { owner } = await buildOwner()
    for (let i = 0; i < 6; i++) await recordFailure(sql, [`email:${owner.email}`])
    const started = performance.now()
    await appError(verifyCredentials({ email: owner.email, password: 'wrong password', ip: `ip-${uniq()}` }))
    expect(performance.now() - started).toBeGreaterThanOrEqual(950) // (6 - 2) × 250 ms
  })

  it('a success clears the account’s failures', async () => {
    const { owner } = await buildOwner()
    for (let i = 0; i < 5; i++) await recordFailure(sql, [`email:${owner.email}`])
    await verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })
    const [row] = await sql`select count(*)::int as n from sign_in_failures where key = ${`email:${owner.email}`}`
    expect(row!.n).toBe(0)
  })

  it('refuses every account from an address with 50 recent failures', async () => {
    const { owner } = await buildOwner()
    const ip = `ip-${uniq()}`
    await sql`insert into sign_in_failures (key) select ${`ip:${ip}`} from generate_series(1, 50)`
    const e = await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip }))
    expect(e.status).toBe(429)
    // The same person from another address is fine.
    await expect(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })).resolves.toMatchObject({ id: owner.id })
  })

  it('forgets failures older than the window', async () => {
    const { owner } = await buildOwner()
    await sql`insert into sign_in_failures (key, failed_at)
      select ${`email:${owner.email}`}, now() - interval '16 minutes' from generate_series(1, 20)`
    await expect(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })).resolves.toMatchObject({ id: owner.id })
  })
})
