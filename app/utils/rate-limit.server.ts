import { singleton } from '#db/singleton.ts'

/**
 * Token buckets per API token, in this process: each instance of a cluster counts on its own, so
 * the effective limit is per instance (README). `perMinute` refills the bucket, `burst` is its size.
 */
export interface RateLimitConfig {
  perMinute: number
  burst: number
}

export const DEFAULT_API_RATE_LIMIT: RateLimitConfig = { perMinute: 600, burst: 120 }

const state = singleton('api-rate-limit', () => ({
  config: null as RateLimitConfig | null,
  buckets: new Map<string, { tokens: number; at: number }>(),
}))

/** Sets the limit for every API token (null: unlimited). Called by createApp. */
export function configureApiRateLimit(config: RateLimitConfig | null) {
  state.config = config
  state.buckets.clear()
}

export interface RateDecision {
  allowed: boolean
  headers: Record<string, string>
  retryAfterSeconds: number
}

/** Takes one request from `key`'s bucket; `now` in ms (for tests). Null when unlimited. */
export function takeToken(key: string, now = Date.now()): RateDecision | null {
  const config = state.config
  if (!config) return null
  const perMs = config.perMinute / 60_000
  const bucket = state.buckets.get(key) ?? { tokens: config.burst, at: now }
  bucket.tokens = Math.min(config.burst, bucket.tokens + (now - bucket.at) * perMs)
  bucket.at = now
  const allowed = bucket.tokens >= 1
  if (allowed) bucket.tokens -= 1
  state.buckets.set(key, bucket)
  // Forget full buckets now and then so idle tokens do not accumulate.
  if (state.buckets.size > 10_000) for (const [k, b] of state.buckets) if (b.tokens >= config.burst) state.buckets.delete(k)
  const remaining = Math.floor(bucket.tokens)
  const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000))
  const resetSeconds = Math.max(0, Math.ceil((config.burst - bucket.tokens) / perMs / 1000))
  return {
    allowed,
    retryAfterSeconds,
    headers: {
      'RateLimit-Limit': String(config.burst),
      'RateLimit-Remaining': String(remaining),
      'RateLimit-Reset': String(resetSeconds),
      'RateLimit-Policy': `${config.burst};w=${Math.round((config.burst / config.perMinute) * 60)}`,
    },
  }
}
