import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.ts'

describe('parseEnv', () => {
  it('defaults to the embedded database on port 3000', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './.data', DEMO_PASSWORD: 'accord-demo' })
    expect(env.DATABASE_URL).toBeUndefined()
  })

  it('limits each API token to 600 requests a minute with a burst of 120 unless configured', () => {
    expect(parseEnv({})).toMatchObject({ API_RATE_LIMIT_PER_MINUTE: 600, API_RATE_LIMIT_BURST: 120 })
    expect(parseEnv({ API_RATE_LIMIT_PER_MINUTE: '0', API_RATE_LIMIT_BURST: '10' })).toMatchObject({
      API_RATE_LIMIT_PER_MINUTE: 0,
      API_RATE_LIMIT_BURST: 10,
    })
  })

  it('trusts no proxy unless TRUST_PROXY names them', () => {
    expect(parseEnv({}).TRUST_PROXY).toEqual([])
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::1'])
  })

  it('reads a PostgreSQL url, a port and SEED_DEMO as a real boolean', () => {
    const env = parseEnv({ DATABASE_URL: 'postgresql://u@db:5432/accord', PORT: '8080', SEED_DEMO: 'false' })
    expect(env.DATABASE_URL).toBe('postgresql://u@db:5432/accord')
    expect(env.PORT).toBe(8080)
    expect(env.SEED_DEMO).toBe(false) // not the truthy string "false"
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
  })

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@localhost/accord' }],
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['DEMO_PASSWORD', { DEMO_PASSWORD: 'short' }],
    ['SEED_DEMO', { SEED_DEMO: 'yes' }],
    ['APP_URL', { APP_URL: 'not a url' }],
    ['API_RATE_LIMIT_PER_MINUTE', { API_RATE_LIMIT_PER_MINUTE: 'lots' }],
    ['API_RATE_LIMIT_BURST', { API_RATE_LIMIT_BURST: '0' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'loopback; rm -rf' }],
  ])('refuses a bad %s with one line naming it', (name, source) => {
    let message = ''
    try {
      parseEnv(source)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/^Invalid configuration: /)
    expect(message).toContain(name)
    expect(message).not.toContain('\n')
  })

  it('names every bad setting at once', () => {
    expect(() => parseEnv({ DATABASE_URL: 'x', PORT: 'y' })).toThrow(/DATABASE_URL.*; PORT|PORT.*; DATABASE_URL/)
  })
})

/** Runs the real server entry point with `env` and collects what it prints before it exits. */
function startServer(env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATA_DIR: '/nonexistent-accord-test',
        ...env,
      } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    // Generous: tsx compiles the whole server first, which takes long on a busy machine.
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('start-up with bad settings', () => {
  it.each([
    ['a malformed DATABASE_URL', { DATABASE_URL: 'localhost:5432/accord' }, /^accord: Invalid configuration: DATABASE_URL /],
    ['a bad PORT', { PORT: 'abc', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' }, /^accord: Invalid configuration: PORT /],
    ['an unreachable database', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/accord' }, /^accord: cannot open DATABASE_URL: /],
  ])(
    'stops on %s with one clear line and no stack trace',
    async (_label, env, line) => {
      const { code, stderr } = await startServer(env)
      expect(code).toBe(1)
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(line)
      expect(stderr).not.toMatch(/\n\s+at /)
    },
    90_000,
  )
})
