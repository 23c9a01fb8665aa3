import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp dir, on a free port), so a test
 * can stop and restart the database under a running server without touching the shared one.
 * initdb refuses to run as root: as root, every command runs as the `postgres` system user.
 */
export interface ThrowawayPostgres {
  url: string
  port: number
  /** Stops the server; `immediate` is a crash (no checkpoint, connections cut). */
  stop(mode?: 'fast' | 'immediate'): void
  start(): void
  /** Stops the server and removes its directory. */
  destroy(): void
}

/** The bin directory of the newest installed PostgreSQL, or null when none is installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? path.join(root, versions[0], 'bin') : null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir()
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql')
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(path.join(os.tmpdir(), 'accord-pg-'))
  const data = path.join(dir, 'data')
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  chmodSync(dir, 0o700)
  const run = (tool: string, args: string[]) => {
    const cmd = path.join(bin, tool)
    const argv = asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args
    execFileSync(asRoot ? 'runuser' : cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, timeout: 120_000 })
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start'])
  const stop = (mode: 'fast' | 'immediate' = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'])
  start()
  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => {
      start()
      stopped = false
    },
    stop: (mode) => {
      stop(mode)
      stopped = true
    },
    destroy: () => {
      try {
        if (!stopped) stop('immediate')
      } catch {
        // already down
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
