import { getSql, type Db } from '#db/client.ts'
import * as users from '#db/queries/users.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as sessions from '#db/queries/sessions.ts'
import * as throttle from '#db/queries/sign-in-throttle.ts'
import * as devices from '#db/queries/known-devices.ts'
import { AppError, conflict, invalid, tooManyRequests } from '#app/domain/errors.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'
import { ACCOUNT_BACKOFF, ADDRESS_BACKOFF, claimAttempt, type BackoffRule } from '#app/domain/sign-in-throttle.ts'
import { DUMMY_PASSWORD_HASH, hashPassword, randomToken, sha256, verifyPassword } from '#app/utils/crypto.server.ts'
import { auditSignIn } from './audit.server.ts'
import { bus } from '#app/events/bus.ts'

export const SESSION_DAYS = 30

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505'
}

/** Creates a user; a taken email is a 409 with a field message. */
export async function createUser(db: Db, args: { name: string; email: string; password: string }) {
  const passwordHash = await hashPassword(args.password)
  try {
    // A savepoint keeps the caller's transaction usable after a unique violation.
    return 'savepoint' in db
      ? await db.savepoint((sp) => users.insertUser(sp, { ...args, passwordHash }))
      : await users.insertUser(db, { ...args, passwordHash })
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw conflict('An account with this email already exists', {
        email: ['An account with this email already exists — sign in instead'],
      })
    }
    throw e
  }
}

/** Creates a workspace with `userId` as its first member. */
export async function createWorkspace(db: Db, args: { name: string; userId: string; role?: Role; function?: MemberFunction }) {
  const workspace = await workspaces.insertWorkspace(db, args.name)
  await workspaces.upsertMembership(db, {
    workspaceId: workspace.id,
    userId: args.userId,
    role: args.role ?? 'owner',
    function: args.function ?? 'other',
  })
  return workspace
}

/** Sign-up: the user, their own workspace and a session, all or nothing. */
export async function signUp(args: { name: string; email: string; password: string; workspaceName: string }) {
  return getSql().begin(async (tx) => {
    const user = await createUser(tx, args)
    const workspace = await createWorkspace(tx, { name: args.workspaceName, userId: user.id })
    const session = await createSession(tx, { userId: user.id, workspaceId: workspace.id })
    return { user, workspace, session }
  })
}

/** Starts a session; the returned token goes in the cookie, only its hash in the database. */
export async function createSession(db: Db, args: { userId: string; workspaceId: string | null }) {
  const token = randomToken()
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000)
  await sessions.insertSession(db, { idHash: sha256(token), userId: args.userId, workspaceId: args.workspaceId, expiresAt })
  return { token, expiresAt }
}

/**
 * Signs a session out. Whatever it still holds open — collaboration sockets, change feeds — is
 * re-checked on every instance and closed: signed out is out, not out for new requests only.
 */
export async function endSession(token: string) {
  const sql = getSql()
  const session = await sessions.getSession(sql, sha256(token))
  await sessions.deleteSession(sql, sha256(token))
  if (!session) return
  for (const m of await workspaces.listMemberships(sql, session.userId))
    bus.publish({ type: 'membership.changed', workspaceId: m.workspaceId, userId: session.userId })
}

/** The clock of the sign-in backoff (tests move it instead of sleeping). */
export const signInClock = { now: () => new Date() }

/**
 * Checks a password behind a growing delay per account (or per known device) and per address:
 * inside a delay the attempt is refused (429, "try again in X s") before the password is looked
 * at, and nothing is counted, so the owner can always sign in once the delay is over — or at
 * once from a device where they signed in before. Answers the same for an unknown email and a
 * wrong password.
 */
export async function verifyCredentials(args: { email: string; password: string; ip: string; deviceToken?: string | null }) {
  const sql = getSql()
  const now = signInClock.now()
  const user = await users.getUserCredentials(sql, args.email)
  const deviceHash = args.deviceToken ? sha256(args.deviceToken) : null
  const knownDevice = user && deviceHash ? (await devices.getDeviceUser(sql, deviceHash)) === user.id : false
  const personKey = knownDevice ? `device:${deviceHash}` : `email:${args.email}`
  const addressKey = `ip:${args.ip}`
  const rules: Record<string, BackoffRule> = { [personKey]: ACCOUNT_BACKOFF, [addressKey]: ADDRESS_BACKOFF }
  // Claimed under row locks and committed before the (slow) password check: parallel guesses
  // queue on the rows and each sees the others' claims.
  const claims = await sql.begin(async (tx) => {
    const states = await throttle.lockThrottleRows(tx, Object.keys(rules))
    const decisions = [...states].map(([key, state]) => ({ key, before: state, decision: claimAttempt(rules[key]!, state, now) }))
    const wait = Math.max(0, ...decisions.map((d) => (d.decision.allowed ? 0 : d.decision.retryAfterSeconds)))
    if (wait > 0) throw tooManyRequests(`Too many failed sign-in attempts. Try again in ${wait} s.`, wait)
    for (const d of decisions) if (d.decision.allowed) await throttle.saveThrottleState(tx, d.key, d.decision.claimed)
    return decisions
  })
  const ok = await verifyPassword(args.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!user || !ok) throw invalid('Email or password is incorrect', { password: ['Email or password is incorrect'] })
  // A known device clears only its own key: the account's delay stays for unknown browsers.
  await throttle.clearThrottle(sql, personKey)
  const address = claims.find((c) => c.key === addressKey)
  if (address?.decision.allowed) await throttle.releaseClaim(sql, addressKey, address.decision.claimed, address.before)
  return { id: user.id, email: user.email, name: user.name, knownDevice }
}

/** verifyCredentials, with a failed attempt (wrong password, or refused as guessing) in the audit log. */
export async function verifyCredentialsAudited(
  args: { email: string; password: string; ip: string; deviceToken?: string | null },
  via: 'form' | 'api',
) {
  try {
    return await verifyCredentials(args)
  } catch (e) {
    if (e instanceof AppError && (e.status === 400 || e.status === 429))
      await auditSignIn({ email: args.email, ok: false, ip: args.ip, via })
    throw e
  }
}

/**
 * Sign-in: a new session id every time (no fixation), in the user's first workspace. The browser
 * becomes a known device of the user (a new device token, returned for its cookie, unless it
 * already carried a valid one).
 */
export async function signIn(args: { email: string; password: string; ip: string; deviceToken?: string | null }) {
  const { knownDevice, ...user } = await verifyCredentialsAudited(args, 'form')
  const sql = getSql()
  const [first] = await workspaces.listMemberships(sql, user.id)
  const session = await createSession(sql, { userId: user.id, workspaceId: first?.workspaceId ?? null })
  let deviceToken: string | null = null
  if (knownDevice && args.deviceToken) await devices.touchDevice(sql, sha256(args.deviceToken))
  else {
    deviceToken = randomToken()
    await devices.insertDevice(sql, { tokenHash: sha256(deviceToken), userId: user.id })
  }
  await auditSignIn({ email: args.email, ok: true, ip: args.ip, via: 'form', userId: user.id, workspaceId: first?.workspaceId ?? null })
  return { user, session, deviceToken }
}
