/** Starting, measuring and stopping the two servers as child processes. */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MemReply } from './ipc-hook.ts'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type ServerKind = 'accord' | 'reference' | 'hocuspocus'

export interface ServerHandle {
  kind: ServerKind
  port: number
  proc: ChildProcess
  /** Every stdout/stderr line, for the report (warnings, close reasons, crashes). */
  lines: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Memory after a full GC (heap, RSS) and CPU time so far. */
  mem(opts?: { gc?: boolean; resetLoop?: boolean }): Promise<MemReply>
  /** SIGTERM (graceful) or SIGKILL; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

interface StartOptions {
  kind: ServerKind
  script: string
  env: Record<string, string>
  portPattern: RegExp
  timeoutMs?: number
  echo?: (line: string) => void
}

let memIds = 0

/** Every server started in this run (restarts included), to stop and log them all at the end. */
export const started: ServerHandle[] = []

function start(opts: StartOptions): Promise<ServerHandle> {
  // BENCH_ACCORD_NODE_ARGS / BENCH_REFERENCE_NODE_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env[`BENCH_${opts.kind.toUpperCase()}_NODE_ARGS`] ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, ['--expose-gc', ...extra, '--import', 'tsx', opts.script], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  const lines: string[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const pending = new Map<number, (r: MemReply) => void>()
  proc.on('message', (msg: MemReply) => {
    pending.get(msg.id)?.(msg)
    pending.delete(msg.id)
  })

  return new Promise((resolve, reject) => {
    let port: number | null = null
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`${opts.kind} did not print its port within ${opts.timeoutMs ?? 60000} ms:\n${lines.slice(-20).join('\n')}`))
    }, opts.timeoutMs ?? 60000)
    const onLine = (line: string) => {
      if (lines.length < 20000) lines.push(line)
      opts.echo?.(line)
      const m = port === null ? opts.portPattern.exec(line) : null
      if (!m) return
      port = Number(m[1])
      clearTimeout(timer)
      const handle: ServerHandle = {
        kind: opts.kind,
        port,
        proc,
        lines,
        exited,
        mem: ({ gc = true, resetLoop = false } = {}) =>
          new Promise<MemReply>((res, rej) => {
            const id = ++memIds
            const t = setTimeout(() => {
              pending.delete(id)
              rej(new Error(`${opts.kind}: no memory reply`))
            }, 15000)
            pending.set(id, (r) => {
              clearTimeout(t)
              res(r)
            })
            proc.send({ cmd: 'mem', id, gc, resetLoop })
          }),
        stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
          const killer = setTimeout(() => proc.kill('SIGKILL'), 30000)
          const result = await exited
          clearTimeout(killer)
          return result
        },
      }
      started.push(handle)
      resolve(handle)
    }
    createInterface({ input: proc.stdout! }).on('line', onLine)
    createInterface({ input: proc.stderr! }).on('line', onLine)
    void exited.then(({ code, signal }) => {
      if (port === null) {
        clearTimeout(timer)
        reject(new Error(`${opts.kind} exited (${code ?? signal}) before listening:\n${lines.slice(-20).join('\n')}`))
      }
    })
  })
}

export function startReference(echo?: (line: string) => void): Promise<ServerHandle> {
  return start({
    kind: 'reference',
    script: 'bench/collab/reference-server.ts',
    env: { PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' },
    portPattern: /^reference: listening on (\d+)/,
    echo,
  })
}

export function startHocuspocus(databaseUrl: string, echo?: (line: string) => void): Promise<ServerHandle> {
  return start({
    kind: 'hocuspocus',
    script: 'bench/collab/hocuspocus-server.ts',
    env: { DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' },
    portPattern: /^hocuspocus: listening on (\d+)/,
    echo,
  })
}

export function startAccord(
  databaseUrl: string,
  echo?: (line: string) => void,
  extraEnv: Record<string, string> = {},
): Promise<ServerHandle> {
  return start({
    kind: 'accord',
    script: 'bench/collab/accord-child.ts',
    env: {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.ACCORD_LOG_LEVEL ?? 'info',
      ...extraEnv,
    },
    portPattern: /accord: listening on http:\/\/localhost:(\d+)/,
    timeoutMs: 120000,
    echo,
  })
}

/** CPU ticks per running PostgreSQL process (/proc/<pid>/stat, comm "postgres"). */
export function postgresCpuSnapshot(): Map<number, number> {
  const out = new Map<number, number>()
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue
      const fields = stat.slice(close + 2).split(' ')
      out.set(Number(pid), Number(fields[11]) + Number(fields[12]))
    } catch {
      // exited meanwhile
    }
  }
  return out
}

/** CPU ms used by PostgreSQL processes between two snapshots (processes that exited meanwhile are missed). */
export function postgresCpuMsSince(start: Map<number, number>): number {
  let ticks = 0
  for (const [pid, t] of postgresCpuSnapshot()) ticks += t - (start.get(pid) ?? 0)
  return ticks * 10 // USER_HZ = 100 on Linux
}
