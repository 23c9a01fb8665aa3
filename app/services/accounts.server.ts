import { getSql, type Db } from '#db/client.ts'
import * as users from '#db/queries/users.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as sessions from '#db/queries/sessions.ts'
import * as failures from '#db/queries/sign-in-failures.ts'
import { AppError, conflict, invalid, tooManyRequests } from '#app/domain/errors.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'
import { DUMMY_PASSWORD_HASH, hashPassword, randomToken, sha256, verifyPassword } from '#app/utils/crypto.server.ts'
import { auditSignIn } from './audit.server.ts'

export const SESSION_DAYS = 30
const WINDOW_MINUTES = 15
const MAX_FAILURES_PER_ACCOUNT = 10
const MAX_FAILURES_PER_ADDRESS = 50

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

export async function endSession(token: string) {
  await sessions.deleteSession(getSql(), sha256(token))
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Checks a password, slowing and then refusing repeated failures per account and per address.
 * Answers the same for an unknown email and a wrong password.
 */
export async function verifyCredentials(args: { email: string; password: string; ip: string }) {
  const sql = getSql()
  const accountKey = `email:${args.email}`
  const addressKey = `ip:${args.ip}`
  // The attempt is recorded as a failure before the counts are read (and taken back on success or
  // refusal), so parallel guesses see each other: counting first let any number through at once.
  await failures.recordFailure(sql, [accountKey, addressKey])
  const [withThisAccount, withThisAddress] = await Promise.all([
    failures.countRecentFailures(sql, [accountKey], WINDOW_MINUTES),
    failures.countRecentFailures(sql, [addressKey], WINDOW_MINUTES),
  ])
  const accountFailures = withThisAccount - 1
  const addressFailures = withThisAddress - 1
  if (accountFailures >= MAX_FAILURES_PER_ACCOUNT || addressFailures >= MAX_FAILURES_PER_ADDRESS) {
    await failures.forgetLatestAttempt(sql, [accountKey, addressKey])
    throw tooManyRequests(
      `Too many failed sign-in attempts. Wait ${WINDOW_MINUTES} minutes and try again, or ask an owner to help.`,
      WINDOW_MINUTES * 60,
    )
  }
  // Slow down guessing after a few failures (at most 2 s).
  const recent = Math.max(accountFailures, Math.floor(addressFailures / 5))
  if (recent >= 3) await sleep(Math.min(2000, (recent - 2) * 250))

  const user = await users.getUserCredentials(sql, args.email)
  const ok = await verifyPassword(args.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!user || !ok) throw invalid('Email or password is incorrect', { password: ['Email or password is incorrect'] })
  await failures.clearFailures(sql, accountKey)
  await failures.forgetLatestAttempt(sql, [addressKey])
  return { id: user.id, email: user.email, name: user.name }
}

/** verifyCredentials, with a failed attempt (wrong password, or refused as guessing) in the audit log. */
export async function verifyCredentialsAudited(args: { email: string; password: string; ip: string }, via: 'form' | 'api') {
  try {
    return await verifyCredentials(args)
  } catch (e) {
    if (e instanceof AppError && (e.status === 400 || e.status === 429))
      await auditSignIn({ email: args.email, ok: false, ip: args.ip, via })
    throw e
  }
}

/** Sign-in: a new session id every time (no fixation), in the user's first workspace. */
export async function signIn(args: { email: string; password: string; ip: string }) {
  const user = await verifyCredentialsAudited(args, 'form')
  const sql = getSql()
  const [first] = await workspaces.listMemberships(sql, user.id)
  const session = await createSession(sql, { userId: user.id, workspaceId: first?.workspaceId ?? null })
  await auditSignIn({ email: args.email, ok: true, ip: args.ip, via: 'form', userId: user.id, workspaceId: first?.workspaceId ?? null })
  return { user, session }
}
