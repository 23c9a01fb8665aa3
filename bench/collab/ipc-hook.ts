/**
 * Bench-only hook loaded into each server child (never into the app): answers `{ cmd: 'mem' }`
 * over the IPC channel with memory (after a full GC when node runs with --expose-gc) and CPU
 * time, and ends the child when the bench process goes away.
 */
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface MemReply {
  id: number
  rss: number
  vmRss: number
  heapUsed: number
  external: number
  arrayBuffers: number
  cpuUserMs: number
  cpuSystemMs: number
  /** Event-loop delay since the previous `resetLoop` (ms). */
  loopP99: number
  loopMax: number
  /** Whatever the server script put in globalThis.__benchCounters (Hocuspocus: applied/stored updates). */
  counters: Record<string, number> | null
}

const loop = monitorEventLoopDelay({ resolution: 10 })
loop.enable()

function vmRssBytes(): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

if (process.send) {
  process.on('message', (msg: { cmd?: string; id?: number; gc?: boolean; resetLoop?: boolean }) => {
    if (msg?.cmd !== 'mem') return
    const gc = (globalThis as { gc?: () => void }).gc
    if (msg.gc !== false && gc) {
      gc()
      gc()
    }
    const m = process.memoryUsage()
    const cpu = process.cpuUsage()
    const reply: MemReply = {
      id: msg.id ?? 0,
      rss: m.rss,
      vmRss: vmRssBytes(),
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      loopP99: loop.percentile(99) / 1e6,
      loopMax: loop.max / 1e6,
      counters: (globalThis as { __benchCounters?: Record<string, number> }).__benchCounters ?? null,
    }
    if (msg.resetLoop) loop.reset()
    process.send?.(reply)
  })
  // The bench died or finished: stop like an operator would (SIGTERM → graceful shutdown).
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}
