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
    ['TAB between the slashes (browsers drop it: //evil.example)', '/\t/evil.example'],
    ['LF between the slashes', '/\n/evil.example'],
    ['CR between the slashes', '/\r/evil.example'],
    ['LF inside a path (header splitting)', '/home\nSet-Cookie: x=1'],
    ['backslash after a slash', '/\\/evil.example'],
    ['protocol-relative with an encoded backslash', '//%5Cevil.example'],
    ['NUL', '/home\u0000'],
  ])('refuses a %s target', (_label, to) => {
    expect(safeRedirect(to)).toBe('/')
    expect(safeRedirect(to, '/home')).toBe('/home')
  })

  it('returns the parsed path, so what the browser will follow is what was checked', () => {
    expect(safeRedirect('/a/../b?x=1#h')).toBe('/b?x=1#h')
    expect(new URL(safeRedirect('/%2F%2Fevil.example'), 'https://accord.example').origin).toBe('https://accord.example')
  })

  it.each([undefined, null, 42, ['/home'], { to: '/home' }])('refuses a non-string %j', (to) => {
    expect(safeRedirect(to, '/fallback')).toBe('/fallback')
  })
})
