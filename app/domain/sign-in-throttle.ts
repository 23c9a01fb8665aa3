/**
 * Sign-in backoff, pure: after a few free failures every further attempt under a key waits a
 * delay that doubles with each failure (capped), counted from the last failure. Attempts inside
 * the delay are refused without looking at the password, and do not count.
 */

export interface BackoffRule {
  /** Failures allowed without any delay. */
  free: number
  /** The first delay, in seconds; each later failure doubles it. */
  baseSeconds: number
  maxSeconds: number
  /** Failures older than this (since the last one) are forgotten. */
  forgetAfterSeconds: number
}

/** Per account (unknown devices) and per known device. */
export const ACCOUNT_BACKOFF: BackoffRule = { free: 5, baseSeconds: 2, maxSeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 }
/** Per client address: more room (offices share one), the same growth. */
export const ADDRESS_BACKOFF: BackoffRule = { free: 20, baseSeconds: 1, maxSeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 }

/** Seconds to wait after `failures` failures before the next attempt is checked. */
export function backoffSeconds(rule: BackoffRule, failures: number): number {
  if (failures < rule.free) return 0
  return Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** Math.min(30, failures - rule.free))
}

export interface ThrottleState {
  failures: number
  lastFailedAt: Date
  nextAt: Date
}

export type ClaimDecision = { allowed: false; retryAfterSeconds: number } | { allowed: true; claimed: ThrottleState }

/**
 * Whether an attempt at `now` may be checked; if so, the state with this attempt counted as a
 * failure in advance (taken back on success), so parallel guesses see each other.
 */
export function claimAttempt(rule: BackoffRule, state: ThrottleState, now: Date): ClaimDecision {
  if (now < state.nextAt) return { allowed: false, retryAfterSeconds: Math.ceil((state.nextAt.getTime() - now.getTime()) / 1000) }
  const forgotten = now.getTime() - state.lastFailedAt.getTime() > rule.forgetAfterSeconds * 1000
  const failures = (forgotten ? 0 : state.failures) + 1
  return {
    allowed: true,
    claimed: { failures, lastFailedAt: now, nextAt: new Date(now.getTime() + backoffSeconds(rule, failures) * 1000) },
  }
}
