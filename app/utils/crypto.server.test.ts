import { describe, expect, it } from 'vitest'
import { DUMMY_PASSWORD_HASH, hashPassword, randomToken, sha256, verifyPassword } from './crypto.server.ts'

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(stored).not.toContain('correct horse battery')
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true)
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false)
    await expect(verifyPassword('', stored)).resolves.toBe(false)
  })

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')])
    expect(a).not.toBe(b)
    await expect(verifyPassword('same password', b)).resolves.toBe(true)
  })

  it('refuses malformed or foreign stored hashes instead of throwing', async () => {
    for (const stored of ['', 'plain', 'bcrypt$10$abc', 'scrypt$32768$8$1$onlysalt']) {
      await expect(verifyPassword('whatever', stored)).resolves.toBe(false)
    }
  })

  it('the dummy hash (used for unknown emails) matches no password', async () => {
    await expect(verifyPassword('accord-demo', DUMMY_PASSWORD_HASH)).resolves.toBe(false)
    await expect(verifyPassword('', DUMMY_PASSWORD_HASH)).resolves.toBe(false)
  })
})

describe('random tokens and hashes', () => {
  it('are URL-safe, of the requested strength, and unique', () => {
    const tokens = Array.from({ length: 2000 }, () => randomToken())
    expect(new Set(tokens).size).toBe(tokens.length)
    for (const t of tokens.slice(0, 50)) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/) // 32 bytes
    expect(randomToken(24)).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })

  it('sha256 is the hex SHA-256 digest', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256('a')).not.toBe(sha256('b'))
  })
})
