import { afterAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildWorkspace } from '#test/factories.ts'
import { startApp } from '#test/routes.ts'
import { configureApiRateLimit, takeToken } from './rate-limit.server.ts'

const db = await useTestDatabase()

describe('the per-token token bucket', () => {
  afterAll(() => configureApiRateLimit(null))

  it('allows a burst, then refills at the per-minute rate', () => {
    configureApiRateLimit({ perMinute: 60, burst: 2 })
    const t0 = 1_000_000
    expect(takeToken('a', t0)?.allowed).toBe(true)
    expect(takeToken('a', t0)?.allowed).toBe(true)
    const refused = takeToken('a', t0)!
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterSeconds).toBe(1)
    expect(refused.headers['RateLimit-Remaining']).toBe('0')
    // Another token has its own bucket; one second later this one has one request again.
    expect(takeToken('b', t0)?.allowed).toBe(true)
    expect(takeToken('a', t0 + 1000)?.allowed).toBe(true)
    expect(takeToken('a', t0 + 1000)?.allowed).toBe(false)
    configureApiRateLimit(null)
    expect(takeToken('a', t0)).toBeNull()
  })

  it('answers 429 problem+json with Retry-After after the burst, and RateLimit-* headers on every answer', async () => {
    const app = await startApp({ sql: db.sql, apiRateLimit: { perMinute: 6, burst: 3 } })
    try {
      const ws = await buildWorkspace()
      const [token, other] = [await buildApiToken(ws.owner), await buildApiToken(ws.owner)]
      const remaining: (string | null)[] = []
      for (let i = 0; i < 3; i++) {
        const res = await app.fetch('/api/v1/me', { token })
        expect(res.status).toBe(200)
        expect(res.headers.get('RateLimit-Limit')).toBe('3')
        remaining.push(res.headers.get('RateLimit-Remaining'))
      }
      expect(remaining).toEqual(['2', '1', '0'])
      const refused = await app.fetch('/api/v1/me', { token })
      expect(refused.status).toBe(429)
      expect(refused.headers.get('Content-Type')).toContain('application/problem+json')
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1)
      expect(refused.headers.get('RateLimit-Remaining')).toBe('0')
      expect(Number(refused.headers.get('RateLimit-Reset'))).toBeGreaterThan(0)
      // Errors carry the headers too, and another token is not affected.
      const missing = await app.fetch('/api/v1/systems/00000000-0000-4000-8000-000000000000', { token: other })
      expect(missing.status).toBe(404)
      expect(missing.headers.get('RateLimit-Remaining')).toBe('2')
    } finally {
      await app.close()
    }
  }, 120_000)
})
