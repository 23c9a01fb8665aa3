import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildOwner, PASSWORD, uniq } from '#test/factories.ts'
import { AppError } from '#app/domain/errors.ts'
import { sha256 } from '#app/utils/crypto.server.ts'
import { getSessionUser } from '#app/utils/auth.server.ts'
import { ACCOUNT_BACKOFF, ADDRESS_BACKOFF, backoffSeconds } from '#app/domain/sign-in-throttle.ts'
import { endSession, signIn, signInClock, signUp, verifyCredentials } from './accounts.server.ts'

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

describe('throttling: a growing delay for the guesser, never a lockout for the owner', () => {
  let now = Date.now()
  const clock = signInClock.now
  beforeEach(() => {
    now = Date.now()
    signInClock.now = () => new Date(now)
  })
  afterEach(() => {
    signInClock.now = clock
  })
  const advance = (seconds: number) => {
    now += seconds * 1000
  }
  /** Retries after each delay until the attempt is checked; the checked answer's status. */
  const attempt = async (args: Parameters<typeof verifyCredentials>[0]) => {
    for (;;) {
      const e = await appError(verifyCredentials(args))
      if (e.status !== 429) return e.status
      advance(Number(e.headers?.['Retry-After']))
    }
  }

  it('ten wrong passwords, then the right one after the delay signs in', async () => {
    const { owner } = await buildOwner()
    const ip = `ip-${uniq()}`
    for (let i = 0; i < 10; i++) expect(await attempt({ email: owner.email, password: 'wrong password', ip })).toBe(400)
    // Inside the delay even the right password is refused — without being checked — with the wait in the answer.
    const refused = await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip }))
    expect(refused.status).toBe(429)
    expect(refused.message).toMatch(/^Too many failed sign-in attempts\. Try again in \d+ s\.$/)
    const wait = Number(refused.headers?.['Retry-After'])
    expect(wait).toBe(backoffSeconds(ACCOUNT_BACKOFF, 10))
    advance(wait)
    await expect(verifyCredentials({ email: owner.email, password: PASSWORD, ip })).resolves.toMatchObject({ id: owner.id })
    // The success starts the account afresh.
    await expect(verifyCredentials({ email: owner.email, password: 'wrong password', ip })).rejects.toMatchObject({ status: 400 })
  })

  it('the delay doubles with each failure after the free ones, up to a cap', () => {
    expect([0, 4, 5, 6, 7, 10].map((f) => backoffSeconds(ACCOUNT_BACKOFF, f))).toEqual([0, 0, 2, 4, 8, 64])
    expect(backoffSeconds(ACCOUNT_BACKOFF, 40)).toBe(15 * 60)
  })

  it('a known device signs in at once while the account waits out a guesser’s delay', async () => {
    const { owner } = await buildOwner()
    const before = await signIn({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })
    expect(before.deviceToken).toBeTruthy()
    // A guesser elsewhere runs the account into a long delay.
    for (let i = 0; i < 10; i++) expect(await attempt({ email: owner.email, password: 'guess', ip: `ip-${uniq()}` })).toBe(400)
    expect((await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` }))).status).toBe(429)
    // The owner's browser carries its device cookie: signed in now, and keeps its device token.
    const again = await signIn({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}`, deviceToken: before.deviceToken })
    expect(again.user.id).toBe(owner.id)
    expect(again.deviceToken).toBeNull()
    // Another user's device, or a made-up token, does not help.
    const { owner: other } = await buildOwner()
    const theirs = await signIn({ email: other.email, password: PASSWORD, ip: `ip-${uniq()}` })
    for (const deviceToken of [theirs.deviceToken, 'made-up-token-0123456789'])
      expect((await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}`, deviceToken }))).status).toBe(
        429,
      )
  })

  it('parallel guesses cannot get past the free ones (each claims its turn before its password is checked)', async () => {
    const { owner } = await buildOwner()
    const attempts = await Promise.allSettled(
      Array.from({ length: 30 }, () => verifyCredentials({ email: owner.email, password: 'wrong guess', ip: `ip-${uniq()}` })),
    )
    const statuses = attempts.map((r) => (r.status === 'rejected' ? (r.reason as AppError).status : 200))
    expect(statuses.filter((s) => s === 400)).toHaveLength(ACCOUNT_BACKOFF.free)
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - ACCOUNT_BACKOFF.free)
  })

  it('an address is slowed across accounts; the same person from another address is not', async () => {
    const { owner } = await buildOwner()
    const ip = `ip-${uniq()}`
    for (let i = 0; i < ADDRESS_BACKOFF.free; i++)
      expect(await attempt({ email: `nobody-${uniq()}@example.test`, password: 'guess', ip })).toBe(400)
    expect((await appError(verifyCredentials({ email: owner.email, password: PASSWORD, ip }))).status).toBe(429)
    await expect(verifyCredentials({ email: owner.email, password: PASSWORD, ip: `ip-${uniq()}` })).resolves.toMatchObject({ id: owner.id })
  })

  it('forgets failures a day old', async () => {
    const { owner } = await buildOwner()
    const ip = `ip-${uniq()}`
    for (let i = 0; i < 8; i++) expect(await attempt({ email: owner.email, password: 'wrong', ip })).toBe(400)
    advance(ACCOUNT_BACKOFF.forgetAfterSeconds + 1)
    const [row] = await sql<{ failures: number }[]>`select failures from sign_in_throttle where key = ${`email:${owner.email}`}`
    expect(row!.failures).toBe(8)
    await appError(verifyCredentials({ email: owner.email, password: 'wrong', ip }))
    const [after] = await sql<{ failures: number }[]>`select failures from sign_in_throttle where key = ${`email:${owner.email}`}`
    expect(after!.failures).toBe(1)
  })
})
