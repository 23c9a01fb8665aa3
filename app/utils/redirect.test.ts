import { describe, expect, it } from 'vitest'
import { safeRedirect } from './redirect.ts'

describe('safeRedirect', () => {
  it.each(['/', '/home', '/narratives/123?tab=comments#c1', '/invite/abc'])('keeps the same-site path %s', (to) => {
    expect(safeRedirect(to)).toBe(to)
  })

  it.each([
    ['protocol-relative', '//evil.example/home'],
    ['backslash trick', '/\\evil.example'],
    ['absolute http', 'https://evil.example/'],
    ['javascript url', 'javascript:alert(1)'],
    ['relative path', 'home'],
    ['empty string', ''],
  ])('refuses a %s target', (_label, to) => {
    expect(safeRedirect(to)).toBe('/')
    expect(safeRedirect(to, '/home')).toBe('/home')
  })

  it.each([undefined, null, 42, ['/home'], { to: '/home' }])('refuses a non-string %j', (to) => {
    expect(safeRedirect(to, '/fallback')).toBe('/fallback')
  })
})
