import type { Db } from '../client.ts'
import type { ThrottleState } from '#app/domain/sign-in-throttle.ts'

const NEVER = new Date(0)

/**
 * Locks the throttle rows of `keys` in key order (a missing row is created first, with no
 * failures, so that parallel first attempts queue on it too); their states.
 */
export async function lockThrottleRows(db: Db, keys: string[]): Promise<Map<string, ThrottleState>> {
  const sorted = [...new Set(keys)].sort()
  await db`insert into sign_in_throttle ${db(sorted.map((key) => ({ key, failures: 0, last_failed_at: NEVER, next_at: NEVER })))}
    on conflict (key) do nothing`
  const rows = await db<(ThrottleState & { key: string })[]>`
    select key, failures, last_failed_at as "lastFailedAt", next_at as "nextAt"
    from sign_in_throttle where key in ${db(sorted)} order by key for update`
  return new Map(rows.map(({ key, ...state }) => [key, state]))
}

export async function saveThrottleState(db: Db, key: string, state: ThrottleState) {
  await db`update sign_in_throttle set failures = ${state.failures}, last_failed_at = ${state.lastFailedAt}, next_at = ${state.nextAt}
    where key = ${key}`
}

/** Takes back a claimed attempt (it succeeded), unless another attempt changed the row since. */
export async function releaseClaim(db: Db, key: string, claimed: ThrottleState, before: ThrottleState) {
  await db`update sign_in_throttle set failures = ${before.failures}, last_failed_at = ${before.lastFailedAt}, next_at = ${before.nextAt}
    where key = ${key} and next_at = ${claimed.nextAt} and failures = ${claimed.failures}`
}

export async function clearThrottle(db: Db, key: string) {
  await db`delete from sign_in_throttle where key = ${key}`
}
