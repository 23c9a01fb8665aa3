/**
 * `npm run bench:collab [-- --quick]`: one run, one machine, the same load against
 *   - Accord, one instance (server/index.ts, PostgreSQL),
 *   - Accord, two instances sharing PostgreSQL and a Redis of the bench's own (REDIS_URL),
 *   - the reference @y/websocket-server (in memory, no persistence),
 *   - Hocuspocus (@hocuspocus/server + @hocuspocus/extension-database storing into PostgreSQL,
 *     driven by its own @hocuspocus/provider).
 * Reports fan-out p50/p99 at 2, 10, 50 and 200 writers on one document, committed (Accord) or
 * stored (Hocuspocus) updates per second, the two-instance scaling on many documents, cold open
 * of the B4 narrative and memory per open document, each with its ratio to Accord (one
 * instance); then replays the two-author trace friendsforever through two real providers against
 * Accord (one instance, and one client on each of the two instances) and checks endContent.
 * A benchmark, not a test: it never fails on figures.
 */
import os from 'node:os'
import net from 'node:net'
import { spawn, execSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { connectClient, MESSAGE_SAVED, type Target } from './collab/client.ts'
import { createAccount, createDatabase, createNarratives, type BenchDatabase } from './collab/accord-setup.ts'
import { ROOT, started, startAccord, startHocuspocus, startReference, type ServerHandle } from './collab/servers.ts'
import { headerWebSocket, pushState, runLoad, type LoadResult } from './collab/scenarios.ts'
import type { MemReply } from './collab/ipc-hook.ts'
import { fmt, sleep, summarize, waitFor } from './collab/stats.ts'
import { loadTrace, replayTrace, paragraphText } from './collab/trace.ts'
import { loadConcurrentTrace, playSteps, replayConcurrentTrace, stepsOf, traceText } from './collab/concurrent-trace.ts'

process.setMaxListeners(0)
const quick = process.argv.includes('--quick')
// --only=fanout,throughput,scaling,b4,replay (default: all)
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',') ?? ['fanout', 'throughput', 'scaling', 'b4', 'replay']
const want = (part: string) => only.includes(part)
const CONFIG = quick
  ? {
      writers: [2, 10, 50, 200],
      rate: 5,
      fanoutMs: 3000,
      warmupMs: 1000,
      tput: { docs: 60, writers: 2, rate: 50, ms: 4000 },
      scale: { docs: 160, writers: 2, rate: 50, ms: 5000 },
      b4Edits: 60_000,
      memoryDocs: 3,
    }
  : {
      writers: [2, 10, 50, 200],
      rate: 5,
      fanoutMs: 10000,
      warmupMs: 2000,
      tput: { docs: 120, writers: 2, rate: 50, ms: 10000 },
      scale: { docs: 240, writers: 2, rate: 50, ms: 10000 },
      b4Edits: Infinity,
      memoryDocs: 10,
    }

const t0 = performance.now()
const log = (...a: unknown[]) => console.error(`[bench:collab ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s]`, ...a)
const outDir = `/tmp/accord-bench-collab-${process.pid}`
mkdirSync(outDir, { recursive: true })
const MB = 1024 * 1024

type Kind = 'accord1' | 'accord2' | 'reference' | 'hocuspocus'
const KINDS: Kind[] = ['accord1', 'accord2', 'reference', 'hocuspocus']
const LABEL: Record<Kind, string> = {
  accord1: 'Accord (1 instance)',
  accord2: 'Accord (2 instances + Redis)',
  reference: '@y/websocket-server (memory)',
  hocuspocus: 'Hocuspocus (PostgreSQL store)',
}
interface Side {
  kind: Kind
  server: ServerHandle
  target: Target
}
type Cell = number | string | null
const rows: { section: string; metric: string; values: Partial<Record<Kind, Cell>>; lowerIsBetter: boolean; target?: string }[] = []
const notes: string[] = []
const loads: string[] = []
const markLoad = (what: string) => loads.push(`${what} ${os.loadavg()[0]!.toFixed(1)}`)

/** Two Accord instances as one handle: CPU summed, event-loop delay the worse of the two. */
function combined(a: ServerHandle, b: ServerHandle): ServerHandle {
  return {
    ...a,
    mem: async (opts) => {
      const [x, y] = await Promise.all([a.mem(opts), b.mem(opts)])
      const sum: MemReply = { ...x }
      for (const k of ['rss', 'vmRss', 'heapUsed', 'external', 'arrayBuffers', 'cpuUserMs', 'cpuSystemMs'] as const) sum[k] = x[k] + y[k]
      sum.loopP99 = Math.max(x.loopP99, y.loopP99)
      sum.loopMax = Math.max(x.loopMax, y.loopMax)
      return sum
    },
    stop: async (signal) => {
      await Promise.all([a.stop(signal), b.stop(signal)])
      return { code: 0, signal: null }
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A room's instance, as a load balancer hashing on the narrative id would pick it. */
const hashPick = (urls: string[]) => (room: string) => urls[Number.parseInt(room.replace(/-/g, '').slice(-8), 16) % urls.length]!
/** Alternating instances per client (fan-out on one document: half the writers on each instance). */
const alternate = (urls: string[]) => {
  let i = 0
  return () => urls[i++ % urls.length]!
}

async function main() {
  if (!existsSync(path.join(ROOT, 'build/index.js'))) execSync('npx remix build', { cwd: ROOT, stdio: 'inherit' })
  let db: BenchDatabase | null = null
  let redis: ChildProcess | null = null
  const cleanup = async () => {
    await Promise.all(started.map((h) => h.stop().catch(() => null)))
    redis?.kill('SIGKILL')
    await db?.drop().catch(() => {})
  }
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))
  try {
    db = await createDatabase()
    const redisPort = await freePort()
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    const REDIS_URL = `redis://127.0.0.1:${redisPort}`
    // The first Accord migrates the database; the others start after it.
    const accord1 = await startAccord(db.url)
    const [accordA, accordB, reference, hocus] = await Promise.all([
      startAccord(db.url, undefined, { REDIS_URL }),
      startAccord(db.url, undefined, { REDIS_URL }),
      startReference(),
      startHocuspocus(db.url),
    ])
    log(
      `accord ${accord1.port}; accord×2 ${accordA.port}+${accordB.port} (redis ${redisPort}); reference ${reference.port}; hocuspocus ${hocus.port}`,
    )
    const account = await createAccount(accord1.port)
    const auth = { Authorization: `Bearer ${account.token}` }
    const url = (port: number) => `ws://127.0.0.1:${port}/collab`
    const sides: Record<Kind, Side> = {
      accord1: { kind: 'accord1', server: accord1, target: { kind: 'accord', serverUrl: url(accord1.port), headers: auth } },
      accord2: {
        kind: 'accord2',
        server: combined(accordA, accordB),
        target: {
          kind: 'accord',
          serverUrl: url(accordA.port),
          headers: auth,
          serverUrlFor: alternate([url(accordA.port), url(accordB.port)]),
        },
      },
      reference: { kind: 'reference', server: reference, target: { kind: 'reference', serverUrl: url(reference.port), headers: {} } },
      hocuspocus: {
        kind: 'hocuspocus',
        server: hocus,
        target: { kind: 'hocuspocus', serverUrl: `ws://127.0.0.1:${hocus.port}`, headers: {} },
      },
    }
    // Through whichever Accord (one instance) runs now: the cold-open part restarts it. Retried:
    // after a long pause (the B4 replay) fetch may reuse a keep-alive socket the server closed.
    const narratives = async (n: number, label: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await createNarratives(sides.accord1.server.port, account.token, n, label)
        } catch (e) {
          if (attempt >= 3) throw e
          await sleep(200)
        }
      }
    }

    // ----- fan-out on one document ------------------------------------------------------------
    for (const writers of want('fanout') ? CONFIG.writers : []) {
      const section = `Fan-out: ${writers} writers on one document, ${CONFIG.rate} keystrokes/s each`
      markLoad(`fan-out ${writers}`)
      const results: Partial<Record<Kind, LoadResult>> = {}
      for (const kind of KINDS) {
        // A fresh document per server (Accord's narratives exist only through its API; the others take any name).
        const [room] = await narratives(1, `Fan-out ${writers} ${kind}`)
        const side = sides[kind]
        log(`fan-out ${writers} writers on ${kind}…`)
        try {
          results[kind] = await runLoad({
            server: side.server,
            target: side.target,
            rooms: [room!],
            writersPerDoc: writers,
            ratePerWriter: CONFIG.rate,
            durationMs: CONFIG.fanoutMs,
            warmupMs: CONFIG.warmupMs,
          })
        } catch (e) {
          notes.push(`${section}: ${LABEL[kind]} failed: ${(e as Error).message}`)
        }
        const r = results[kind]
        if (r) {
          log(
            `${kind}: p50 ${fmt(r.allPeers.p50, 2)} p99 ${fmt(r.allPeers.p99, 2)} ms; incomplete ${r.incomplete}; closes ${r.closes}; bench loop p99 ${fmt(r.benchLoopP99, 0)}`,
          )
          if (r.incomplete) notes.push(`${section}: ${LABEL[kind]}: ${r.incomplete} keystrokes not seen by every peer within 5 s`)
          if (r.closes) notes.push(`${section}: ${LABEL[kind]}: ${r.closes} sockets closed by the server`)
          if (r.benchLoopP99 > 20)
            notes.push(`${section}: the load generator lagged during ${LABEL[kind]} (event-loop p99 ${fmt(r.benchLoopP99, 0)} ms)`)
        }
      }
      const pick = (f: (r: LoadResult) => number) => Object.fromEntries(KINDS.map((k) => [k, results[k] ? f(results[k]!) : null]))
      rows.push({ section, metric: 'keystroke → all peers p50 (ms)', values: pick((r) => r.allPeers.p50), lowerIsBetter: true })
      rows.push({
        section,
        metric: 'keystroke → all peers p99 (ms)',
        values: pick((r) => r.allPeers.p99),
        lowerIsBetter: true,
        target: writers === 50 ? 'Accord ≤ best of the others' : undefined,
      })
      rows.push({ section, metric: 'server CPU (ms per s)', values: pick((r) => r.serverCpuPerSec), lowerIsBetter: true })
    }

    // ----- committed / stored throughput -------------------------------------------------------
    const t = CONFIG.tput
    if (want('throughput')) {
      const section = `Throughput: ${t.docs} documents × ${t.writers} writers × ${t.rate} updates/s (${fmt(t.docs * t.writers * t.rate, 0)} offered/s)`
      markLoad('throughput')
      const values: Partial<Record<Kind, Cell>> = {}
      const relayed: Partial<Record<Kind, Cell>> = {}
      let hocusWindow: number | null = null
      for (const kind of ['accord1', 'hocuspocus', 'reference'] as Kind[]) {
        const side = sides[kind]
        const rooms = await narratives(t.docs, `Throughput ${kind}`)
        log(`throughput on ${kind}…`)
        let storedAtStart: Promise<number> | null = null
        let storedAtEnd: Promise<number> | null = null
        let windowEndedAt = 0
        const stored = () => side.server.mem({ gc: false }).then((m) => m.counters?.stored ?? Number.NaN)
        const storedBefore = kind === 'hocuspocus' ? await stored() : 0
        const r = await runLoad({
          server: side.server,
          target: side.target,
          rooms,
          writersPerDoc: t.writers,
          ratePerWriter: t.rate,
          durationMs: t.ms,
          warmupMs: CONFIG.warmupMs,
          // Hocuspocus' provider sends as the edit is made: keystrokes cannot be made ahead.
          pregenerate: kind !== 'hocuspocus',
          onWindow: (phase) => {
            if (kind !== 'hocuspocus') return
            if (phase === 'start') storedAtStart = stored()
            else {
              storedAtEnd = stored()
              windowEndedAt = performance.now()
            }
          },
        })
        relayed[kind] = r.relayedPerSec
        if (kind === 'accord1') values[kind] = r.committedPerSec
        else if (kind === 'hocuspocus') {
          const inWindow = ((await storedAtEnd!) - (await storedAtStart!)) / (t.ms / 1000)
          // Its stores are debounced (at most every 10 s per document while people type): give the
          // last ones their 10 s, then count everything sent in the run that got stored.
          await sleep(Math.max(0, windowEndedAt + 10_500 - performance.now()))
          const drained = ((await stored()) - storedBefore) / ((t.ms + CONFIG.warmupMs) / 1000)
          values[kind] = drained
          hocusWindow = inWindow
          notes.push(
            `Hocuspocus stored throughput: ${fmt(drained, 0)} updates/s counting every update of the run stored within 10 s after the window (its durability lag); ${fmt(inWindow, 0)}/s counting only stores that completed inside the ${t.ms / 1000} s window (continuous typing postpones each document's store to the 10 s maxDebounce).`,
          )
        }
        log(`${kind}: committed/stored ${fmt(values[kind] as number, 0)}/s, relayed ${fmt(r.relayedPerSec, 0)}/s, sent ${r.sent}`)
        if (kind === 'hocuspocus') {
          const m = await side.server.mem({ gc: false })
          notes.push(
            `Hocuspocus "stored": an update counts as stored when an onStoreDocument that began after it was applied has committed its full-state write (debounce 2 s, max 10 s: the defaults); measured as the increase of that count over the window. ${m.counters?.stores ?? '?'} stores so far, ${m.counters?.applied ?? '?'} updates applied.`,
          )
        }
      }
      rows.push({
        section,
        metric: 'committed (Accord: MESSAGE_SAVED) / stored (Hocuspocus) updates /s',
        values,
        lowerIsBetter: false,
        target: 'Accord ≥ 2× Hocuspocus',
      })
      rows.push({
        section,
        metric: 'Hocuspocus: stored inside the window only, /s',
        values: { hocuspocus: hocusWindow },
        lowerIsBetter: false,
      })
      rows.push({ section, metric: 'relayed updates /s (deliveries to peers)', values: relayed, lowerIsBetter: false })
    }

    // ----- two instances vs one, many documents ----------------------------------------------
    if (want('scaling')) {
      const s = CONFIG.scale
      const section = `Scaling: ${s.docs} documents × ${s.writers} writers × ${s.rate} updates/s (${fmt(s.docs * s.writers * s.rate, 0)} offered/s), rooms hashed to instances`
      markLoad('scaling')
      const values: Partial<Record<Kind, Cell>> = {}
      const cpu: Partial<Record<Kind, Cell>> = {}
      for (const kind of ['accord1', 'accord2'] as Kind[]) {
        const side = sides[kind]
        const rooms = await narratives(s.docs, `Scaling ${kind}`)
        const target = kind === 'accord2' ? { ...side.target, serverUrlFor: hashPick([url(accordA.port), url(accordB.port)]) } : side.target
        log(`scaling on ${kind}…`)
        const r = await runLoad({
          server: side.server,
          target,
          rooms,
          writersPerDoc: s.writers,
          ratePerWriter: s.rate,
          durationMs: s.ms,
          warmupMs: CONFIG.warmupMs,
          pregenerate: true,
        })
        values[kind] = r.committedPerSec
        cpu[kind] = r.serverCpuPerSec
        log(
          `${kind}: committed ${fmt(r.committedPerSec, 0)}/s; server CPU ${fmt(r.serverCpuPerSec, 0)} ms/s; bench loop p99 ${fmt(r.benchLoopP99, 0)} ms`,
        )
        if (r.unacked) notes.push(`${section}: ${LABEL[kind]}: ${r.unacked} updates not acknowledged within 15 s after the window`)
        if (r.benchLoopP99 > 20)
          notes.push(`${section}: the load generator lagged during ${LABEL[kind]} (event-loop p99 ${fmt(r.benchLoopP99, 0)} ms)`)
      }
      rows.push({ section, metric: 'aggregate committed updates /s', values, lowerIsBetter: false, target: '2 instances ≥ 1.6× one' })
      rows.push({ section, metric: 'server CPU, all instances (ms per s)', values: cpu, lowerIsBetter: true })
      const ratio = (values.accord2 as number) / (values.accord1 as number)
      notes.push(
        `Scaling: two instances / one = ${Number.isFinite(ratio) ? ratio.toFixed(2) : '—'}× (target ≥ 1.6×) on ${os.cpus().length} cores shared by both instances, PostgreSQL, Redis, the load generator and other engineers' work.`,
      )
    }

    // ----- B4: cold open and memory per open document ------------------------------------------
    if (want('b4')) await coldOpenAndMemory(sides, narratives, db)

    // ----- friendsforever through two real providers ------------------------------------------
    markLoad('friendsforever')
    for (const [label, urls] of (want('replay')
      ? [
          ['Accord (1 instance)', [url(sides.accord1.server.port), url(sides.accord1.server.port)]],
          ['Accord (2 instances, one client on each)', [url(accordA.port), url(accordB.port)]],
        ]
      : []) as [string, string[]][]) {
      const [room] = await narratives(1, `friendsforever ${label}`)
      const result = await friendsforever(urls, room!, auth)
      notes.push(
        `friendsforever (${label}): ${result.transactions.toLocaleString('en-US')} transactions in ${result.steps} sends by two y-websocket providers, played in ${fmt(result.playMs / 1000)} s; final text ${result.ok ? 'equals endContent on both clients' : `DIFFERS from endContent (${result.lengths.join(' / ')} chars vs ${result.expected})`}`,
      )
      log(notes[notes.length - 1])
    }

    const linesOf = (kind: string) => started.filter((h) => h.kind === kind).flatMap((h) => h.lines)
    for (const kind of ['accord', 'hocuspocus', 'reference']) {
      const bad = linesOf(kind).filter((l) => /warn|error|failed/i.test(l))
      if (bad.length) notes.push(`${kind} printed ${bad.length} warning/error line(s); first: ${bad.slice(0, 3).join(' | ')}`)
    }
  } catch (e) {
    notes.push(`the run stopped early: ${(e as Error).message}`)
    throw e
  } finally {
    started.forEach((h, i) => writeFileSync(`${outDir}/${h.kind}-${i + 1}.log`, h.lines.join('\n')))
    await cleanup()
    // What was measured is printed even when a later part failed.
    print()
  }
}

/** Opens `room` with the server's own kind of provider; resolves connect → synced (ms) and the provider. */
async function openProvider(side: Side, room: string, timeoutMs = 60000): Promise<{ ms: number; textLength: number; close: () => void }> {
  const doc = new Y.Doc()
  const startedAt = performance.now()
  let close: () => void
  const synced = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${side.kind}: ${room} did not sync`)), timeoutMs)
    if (side.target.kind === 'hocuspocus') {
      class NodeWebSocket extends WebSocket {
        constructor(u: string | URL, protocols?: string | string[]) {
          super(u, protocols, { perMessageDeflate: false })
        }
      }
      const socket = new HocuspocusProviderWebsocket({ url: side.target.serverUrl, WebSocketPolyfill: NodeWebSocket })
      const provider = new HocuspocusProvider({ websocketProvider: socket, name: room, document: doc })
      provider.attach()
      provider.on('synced', () => {
        clearTimeout(timer)
        resolve()
      })
      close = () => {
        provider.destroy()
        socket.destroy()
        doc.destroy()
      }
    } else {
      const provider = new WebsocketProvider(side.target.serverUrlFor?.(room) ?? side.target.serverUrl, room, doc, {
        WebSocketPolyfill: headerWebSocket(side.target.headers) as never,
        disableBc: true,
      })
      provider.messageHandlers[MESSAGE_SAVED] = (_e, d) => void decoding.readVarUint(d)
      provider.on('sync', (s: boolean) => {
        if (!s) return
        clearTimeout(timer)
        resolve()
      })
      close = () => {
        provider.destroy()
        doc.destroy()
      }
    }
  })
  await synced
  const ms = performance.now() - startedAt
  let textLength = 0
  for (const op of doc.get('root', Y.XmlText).toDelta() as { insert: unknown }[])
    if (op.insert instanceof Y.XmlText) textLength = Math.max(textLength, paragraphText(op.insert).length)
  return { ms, textLength, close: close! }
}

async function coldOpenAndMemory(
  sides: Record<Kind, Side>,
  narratives: (n: number, label: string) => Promise<string[]>,
  db: BenchDatabase,
) {
  const section = `B4 narrative (automerge-paper${CONFIG.b4Edits === Infinity ? '' : `, first ${CONFIG.b4Edits.toLocaleString('en-US')} edits`}): cold open and memory`
  markLoad('B4')
  const trace = loadTrace('automerge-paper.json.gz')
  const seedRoom = (await narratives(1, 'B4 seed'))[0]!
  const seed = await connectClient(sides.accord1.target, seedRoom)
  const base = Y.encodeStateAsUpdate(seed.doc)
  seed.close()
  const replay = replayTrace(trace, base, 2000, CONFIG.b4Edits)
  log(`B4: ${replay.edits} edits, text ${replay.text.length} chars, state ${replay.state.byteLength} B`)
  const cold: Partial<Record<Kind, Cell>> = {}
  const warm: Partial<Record<Kind, Cell>> = {}
  const heap: Partial<Record<Kind, Cell>> = {}
  const rss: Partial<Record<Kind, Cell>> = {}
  for (const kind of ['accord1', 'reference', 'hocuspocus'] as Kind[]) {
    const side = sides[kind]
    const rooms = await narratives(CONFIG.memoryDocs, `B4 ${kind}`)
    // The reference holds pushed documents in memory from the push on: its baseline is taken before.
    const referenceBefore = kind === 'reference' ? await side.server.mem() : null
    for (const room of rooms)
      if (!(await pushState(side.target, room, replay.state))) notes.push(`${LABEL[kind]}: pushing B4 into ${room} was not confirmed`)
    // Cold: Accord and Hocuspocus restart (their stores flushed on SIGTERM) and load from PostgreSQL;
    // the reference keeps documents only in memory, so its "cold" open is of a loaded document.
    if (kind !== 'reference') {
      await sleep(kind === 'hocuspocus' ? 3000 : 500)
      await side.server.stop('SIGTERM')
      side.server = kind === 'accord1' ? await startAccord(db.url) : await startHocuspocus(db.url)
      side.target = {
        ...side.target,
        serverUrl: kind === 'accord1' ? `ws://127.0.0.1:${side.server.port}/collab` : `ws://127.0.0.1:${side.server.port}`,
      }
      await sleep(1000)
    }
    const before = referenceBefore ?? (await side.server.mem())
    const opened: { close: () => void }[] = []
    const coldMs: number[] = []
    const warmMs: number[] = []
    for (const room of rooms) {
      const first = await openProvider(side, room)
      coldMs.push(first.ms)
      if (first.textLength !== replay.text.length)
        notes.push(`${LABEL[kind]}: reopened B4 ${room} has ${first.textLength} chars, expected ${replay.text.length}`)
      opened.push(first)
      const again = await openProvider(side, room)
      warmMs.push(again.ms)
      again.close()
    }
    await sleep(500)
    const after = await side.server.mem()
    for (const o of opened) o.close()
    cold[kind] = coldMs[0]!
    warm[kind] = summarize(warmMs).p50
    heap[kind] = (after.heapUsed - before.heapUsed) / rooms.length / MB
    rss[kind] = (after.vmRss - before.vmRss) / rooms.length / MB
    log(
      `${kind}: cold ${fmt(coldMs[0])} ms (p50 ${fmt(summarize(coldMs).p50)}), warm ${fmt(warm[kind] as number)} ms, heap/doc ${fmt(heap[kind] as number, 2)} MB`,
    )
  }
  rows.push({
    section,
    metric: 'first open after a restart: connect → synced (ms) [reference: in memory]',
    values: cold,
    lowerIsBetter: true,
  })
  rows.push({ section, metric: 'reopen of a loaded document, p50 (ms)', values: warm, lowerIsBetter: true })
  rows.push({ section, metric: `heap per open document (MB, after GC, ${CONFIG.memoryDocs} open)`, values: heap, lowerIsBetter: true })
  rows.push({ section, metric: 'RSS per open document (MB)', values: rss, lowerIsBetter: true })
}

async function friendsforever(urls: string[], room: string, headers: Record<string, string>) {
  const trace = loadConcurrentTrace()
  const docs = [new Y.Doc(), new Y.Doc()]
  const providers = docs.map((doc, i) => {
    const p = new WebsocketProvider(urls[i]!, room, doc, { WebSocketPolyfill: headerWebSocket(headers) as never, disableBc: true })
    p.messageHandlers[MESSAGE_SAVED] = (_e, d) => void decoding.readVarUint(d)
    return p
  })
  try {
    await waitFor(() => providers.every((p) => p.synced), 30000)
    const replay = replayConcurrentTrace(trace, Y.encodeStateAsUpdate(docs[0]!))
    Y.applyUpdate(docs[0]!, replay.setup)
    await waitFor(() => Y.encodeStateVector(docs[1]!).toString() === Y.encodeStateVector(docs[0]!).toString(), 30000)
    const steps = stepsOf(replay)
    const playMs = await playSteps(docs, replay, steps)
    const ok = await waitFor(() => docs.every((d) => traceText(d) === trace.endContent), 60000, 100)
    return {
      transactions: replay.txns.length,
      steps: steps.length,
      playMs,
      ok,
      lengths: docs.map((d) => traceText(d).length),
      expected: trace.endContent.length,
    }
  } finally {
    for (const p of providers) p.destroy()
  }
}

function machine(): string {
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
    } catch {
      return '?'
    }
  }
  let pg = '?'
  let redisVersion = '?'
  try {
    pg = execSync(`psql -h 127.0.0.1 -U postgres -Atc 'show server_version'`, { encoding: 'utf8' }).trim()
    redisVersion = execSync('redis-server --version', { encoding: 'utf8' }).trim().split(' ')[2] ?? '?'
  } catch {
    // leave '?'
  }
  return [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB, ${os.type()} ${os.release()}`,
    `node ${process.version}; PostgreSQL ${pg}; Redis ${redisVersion}; yjs ${pkg('yjs')}, y-websocket ${pkg('y-websocket')}, @y/websocket-server ${pkg('@y/websocket-server')}, @hocuspocus/server ${pkg('@hocuspocus/server')}, @hocuspocus/extension-database ${pkg('@hocuspocus/extension-database')}, @hocuspocus/provider ${pkg('@hocuspocus/provider')}, ioredis ${pkg('ioredis')}`,
    `mode: ${quick ? 'quick' : 'full'}; load clients: bench/collab/client.ts (y-protocols over ws, remote updates not applied) for Accord and the reference, @hocuspocus/provider (applies remote updates) for Hocuspocus`,
  ].join('\n')
}

function print() {
  const cell = (v: Cell | undefined, digits = 1) => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : fmt(v, digits))
  const header = ['scenario', 'metric', ...KINDS.map((k) => LABEL[k]), 'others ÷ Accord (1)', 'target']
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`]
  let last = ''
  for (const r of rows) {
    const a = r.values.accord1
    const ratios = KINDS.filter((k) => k !== 'accord1')
      .map((k) => {
        const v = r.values[k]
        return typeof v === 'number' && typeof a === 'number' && a !== 0 && Number.isFinite(v)
          ? `${k === 'accord2' ? '2×' : k === 'reference' ? 'ref' : 'hp'} ${(v / a).toFixed(2)}`
          : null
      })
      .filter(Boolean)
      .join(', ')
    lines.push(
      `| ${r.section === last ? '' : r.section} | ${r.metric} | ${KINDS.map((k) => cell(r.values[k], 2)).join(' | ')} | ${ratios || '—'} | ${r.target ?? ''} |`,
    )
    last = r.section
  }
  markLoad('end')
  notes.push(`1-minute load average at each part (2 cores shared with other engineers' work): ${loads.join(', ')}`)
  const out = [
    `# npm run bench:collab${quick ? ' -- --quick' : ''}`,
    '',
    machine(),
    '',
    ...lines,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s; server logs in ${outDir}`,
  ].join('\n')
  console.log(out)
  writeFileSync(`${outDir}/result.md`, out)
}

main()
  .catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
  // Providers' reconnect timers and sockets must not keep a finished run alive.
  .finally(() => setTimeout(() => process.exit(), 500))
