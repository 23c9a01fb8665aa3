/** The measurements, each run the same way against either server. */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { type LightClient, MESSAGE_SAVED, connectClient, ensureParagraph, firstParagraph, unexpectedCloses, type Target } from './client.ts'
import { postgresCpuMsSince, postgresCpuSnapshot, type ServerHandle } from './servers.ts'
import { mapLimit, sleep, summarize, waitFor, type Summary } from './stats.ts'
import { paragraphText, type Replay } from './trace.ts'

const CONNECT_CONCURRENCY = 50

interface Writer {
  client: LightClient
  /** performance.now() of each sent change we measure, by change index. */
  sentAt: Map<number, number>
  next: number
}

/** Connects `perDoc` clients to each room: the first one alone (it adds the paragraph on the reference), then the rest. */
async function connectWriters(target: Target, rooms: string[], perDoc: number): Promise<{ writers: Writer[][]; connectMs: number }> {
  const started = performance.now()
  const firsts = await mapLimit(rooms, CONNECT_CONCURRENCY, async (room) => {
    const c = await connectClient(target, room)
    if (!firstParagraph(c.doc)) c.sendUpdate(c.edit((doc) => ensureParagraph(doc))!)
    return c
  })
  // Let the paragraph reach the server before the others sync.
  await sleep(200)
  const rest = await mapLimit(
    rooms.flatMap((room, r) => Array.from({ length: perDoc - 1 }, () => ({ room, r }))),
    CONNECT_CONCURRENCY,
    ({ room }) => connectClient(target, room),
  )
  const writers = rooms.map((_, r) => [firsts[r]!])
  let i = 0
  for (let r = 0; r < rooms.length; r++) for (let k = 1; k < perDoc; k++) writers[r]!.push(rest[i++]!)
  return {
    writers: writers.map((ws) => ws.map((client) => ({ client, sentAt: new Map<number, number>(), next: 0 }))),
    connectMs: performance.now() - started,
  }
}

async function closeAll(writers: Writer[][]) {
  const all = writers.flat()
  for (const w of all) w.client.close()
  await Promise.all(all.map((w) => w.client.gone(3000)))
}

export interface LoadResult {
  docs: number
  writersPerDoc: number
  ratePerWriter: number
  windowMs: number
  connectMs: number
  /** Keystrokes sent in the measured window. */
  sent: number
  /** Keystroke → arrival at every peer. */
  allPeers: Summary
  /** Keystroke → arrival at one peer (every delivery). */
  perPeer: Summary
  /** Deliveries to peers counted inside the window, per second (relayed updates/s). */
  relayedPerSec: number
  /** Keystrokes whose arrival at every peer was not seen (after a grace period). */
  incomplete: number
  /** Accord: send → MESSAGE_SAVED covering it. */
  commit: Summary | null
  /** Accord: committed (acknowledged) updates inside the window, per second. */
  committedPerSec: number | null
  /** Accord: updates never acknowledged (after a grace period). */
  unacked: number | null
  /** Server CPU time (user + system) during the window, ms per second of window. */
  serverCpuPerSec: number
  /** PostgreSQL processes' CPU time during the window, ms per second (machine-wide: includes other users). */
  postgresCpuPerSec: number
  /** Server event-loop delay during the window (ms). */
  serverLoopP99: number
  serverLoopMax: number
  /** Bench process event-loop delay p99 / max during the window (ms): high = the load generator lagged. */
  benchLoopP99: number
  benchLoopMax: number
  closes: number
}

export interface LoadOptions {
  server: ServerHandle
  target: Target
  rooms: string[]
  writersPerDoc: number
  ratePerWriter: number
  durationMs: number
  warmupMs: number
  /** Pre-generate every keystroke before the window (throughput runs): the sender then only sends. */
  pregenerate?: boolean
  /** Called when the measured window starts and ends (e.g. to read a server's counters). */
  onWindow?: (phase: 'start' | 'end') => void
}

/**
 * Writers type 1-character inserts at a fixed rate each (random phase), for `durationMs`;
 * measures arrival at peers and (Accord) MESSAGE_SAVED acks. Samples start after `warmupMs`.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { target, rooms, writersPerDoc, ratePerWriter } = opts
  const accord = target.kind === 'accord'
  const { writers, connectMs } = await connectWriters(target, rooms, writersPerDoc)
  const peers = writersPerDoc - 1
  const pending = new Map<number, { t0: number; left: number }>()
  const allPeers: number[] = []
  const perPeer: number[] = []
  const commit: number[] = []
  let windowStart = Infinity
  let windowEnd = Infinity
  let relayedInWindow = 0
  let committedInWindow = 0
  const closesBefore = countCloses()

  for (const row of writers) {
    for (const w of row) {
      w.client.hooks = {
        onRemote: (key, now) => {
          if (now >= windowStart && now < windowEnd) relayedInWindow++
          const e = pending.get(key)
          if (!e) return
          perPeer.push(now - e.t0)
          if (--e.left === 0) {
            allPeers.push(now - e.t0)
            pending.delete(key)
          }
        },
        onCommitted: (index, now) => {
          const t = w.sentAt.get(index)
          if (t === undefined) return
          w.sentAt.delete(index)
          // Every ack arriving in the window counts (sent in the warm-up or not): the commit rate.
          if (now >= windowStart && now < windowEnd) committedInWindow++
          if (t >= windowStart) commit.push(now - t)
        },
      }
    }
  }

  // Pre-generated keystrokes (throughput): generated now, sent later at the same rate.
  const total = Math.ceil(((opts.durationMs + opts.warmupMs) / 1000) * ratePerWriter) + 5
  const queues = new Map<Writer, { key: number; message: Uint8Array }[]>()
  if (opts.pregenerate)
    for (const w of writers.flat())
      queues.set(
        w,
        Array.from({ length: total }, () => w.client.keystroke()),
      )

  await sleep(300)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  const interval = 1000 / ratePerWriter
  const begin = performance.now()
  const measureFrom = begin + opts.warmupMs
  const end = measureFrom + opts.durationMs
  let sent = 0
  for (const w of writers.flat()) w.next = begin + Math.random() * interval
  let cpuStart = 0
  let pgStart = new Map<number, number>()
  let loopStarted = false

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      if (!loopStarted && now >= measureFrom) {
        loopStarted = true
        opts.onWindow?.('start')
        windowStart = now
        windowEnd = end
        loop.enable()
        pgStart = postgresCpuSnapshot()
        void opts.server.mem({ gc: false, resetLoop: true }).then((m) => (cpuStart = m.cpuUserMs + m.cpuSystemMs))
      }
      if (now >= end) {
        opts.onWindow?.('end')
        clearInterval(timer)
        resolve()
        return
      }
      for (const row of writers) {
        for (const w of row) {
          while (w.next <= now) {
            w.next += interval
            if (w.client.closed) continue
            const t0 = performance.now()
            const ks = opts.pregenerate ? queues.get(w)!.shift() : w.client.keystroke()
            if (!ks) continue
            const index = w.client.sendChange(ks.message)
            if (accord) w.sentAt.set(index, t0)
            if (t0 >= measureFrom) {
              sent++
              if (peers > 0) pending.set(ks.key, { t0, left: peers })
            }
          }
        }
      }
    }
    const timer = setInterval(tick, 2)
  })
  loop.disable()
  const cpuEnd = await opts.server.mem({ gc: false })
  const windowMs = performance.now() - windowStart
  const postgresCpuPerSec = postgresCpuMsSince(pgStart) / (windowMs / 1000)
  const serverCpuPerSec = (cpuEnd.cpuUserMs + cpuEnd.cpuSystemMs - cpuStart) / (windowMs / 1000)

  // Grace period: deliveries and acks still in flight.
  await waitFor(() => pending.size === 0, 5000)
  const incomplete = pending.size
  let unacked: number | null = null
  if (accord) {
    await waitFor(() => writers.flat().every((w) => w.client.closed || w.client.saved >= w.client.changesSent), 15000)
    unacked = writers.flat().reduce((n, w) => n + w.sentAt.size, 0)
  }
  const closes = countCloses() - closesBefore
  await closeAll(writers)
  return {
    docs: rooms.length,
    writersPerDoc,
    ratePerWriter,
    windowMs: opts.durationMs,
    connectMs,
    sent,
    allPeers: summarize(allPeers),
    perPeer: summarize(perPeer),
    relayedPerSec: relayedInWindow / (opts.durationMs / 1000),
    incomplete,
    commit: accord ? summarize(commit) : null,
    committedPerSec: accord ? committedInWindow / (opts.durationMs / 1000) : null,
    unacked,
    serverCpuPerSec,
    postgresCpuPerSec,
    serverLoopP99: cpuEnd.loopP99,
    serverLoopMax: cpuEnd.loopMax,
    benchLoopP99: loop.percentile(99) / 1e6,
    benchLoopMax: loop.max / 1e6,
    closes,
  }
}

const countCloses = () => unexpectedCloses.length

// ----- B4: upload through the protocol ---------------------------------------------------------

export interface UploadResult {
  messages: number
  bytes: number
  uploadMs: number
  /** Accord: last MESSAGE_SAVED received this long after the first message was sent. */
  committedMs: number | null
  ok: boolean
}

/**
 * Sends a replayed trace (batches of edits, one update message each) at ≤ `messagesPerSec`
 * (Accord allows 100/s per connection) on one connection; waits for every ack on Accord.
 */
export async function uploadReplay(
  target: Target,
  room: string,
  replay: Replay,
  opts: { base?: Uint8Array; messagesPerSec: number },
): Promise<UploadResult> {
  const c = await connectClient(target, room)
  if (opts.base) c.sendUpdate(opts.base)
  const started = performance.now()
  let bytes = 0
  const gap = 1000 / opts.messagesPerSec
  for (let i = 0; i < replay.batches.length; i++) {
    const due = started + i * gap
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    bytes += replay.batches[i]!.byteLength
    c.sendUpdate(replay.batches[i]!)
    if (c.closed) break
  }
  // The server has applied everything once it answers after the last batch.
  await c.roundTrip(60000)
  const uploadMs = performance.now() - started
  let committedMs: number | null = null
  let ok = !c.closed
  if (target.kind === 'accord') {
    ok = (await waitFor(() => c.closed !== null || c.saved >= c.changesSent, 60000)) && !c.closed
    committedMs = performance.now() - started
  }
  c.close()
  await c.gone()
  return { messages: replay.batches.length, bytes, uploadMs, committedMs, ok }
}

/** Pushes a whole state as one update on a fresh connection (Accord: waits for its ack). */
export async function pushState(target: Target, room: string, state: Uint8Array): Promise<boolean> {
  const c = await connectClient(target, room)
  c.sendUpdate(state)
  let ok = true
  if (target.kind === 'accord') ok = (await waitFor(() => c.closed !== null || c.saved >= c.changesSent, 30000)) && !c.closed
  else ok = await c.roundTrip()
  c.close()
  await c.gone()
  return ok
}

// ----- opening with the real provider ----------------------------------------------------------

/** A `ws` WebSocket that sends `headers` with the upgrade (y-websocket's WebSocketPolyfill). */
export function headerWebSocket(headers: Record<string, string>) {
  return class AuthWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers, perMessageDeflate: false })
    }
  }
}

export interface OpenResult {
  /** new WebsocketProvider → 'sync' true (connect, upgrade with auth and load, sync). */
  connectToSyncedMs: number
  /** websocket open ('status' connected) → 'sync' true. */
  openToSyncedMs: number
  textLength: number
  provider: WebsocketProvider
}

/** Opens `room` with y-websocket's WebsocketProvider (ws polyfill with auth headers, disableBc). */
export async function openWithProvider(target: Target, room: string, timeoutMs = 30000): Promise<OpenResult> {
  const doc = new Y.Doc()
  const t0 = performance.now()
  const provider = new WebsocketProvider(target.serverUrl, room, doc, {
    WebSocketPolyfill: headerWebSocket(target.headers) as never,
    disableBc: true,
  })
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    decoding.readVarUint(decoder)
  }
  let tOpen = Number.NaN
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected' && Number.isNaN(tOpen)) tOpen = performance.now()
  })
  const synced = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider did not sync ${room} in ${timeoutMs} ms`)), timeoutMs)
    provider.on('sync', (isSynced: boolean) => {
      if (!isSynced) return
      clearTimeout(timer)
      resolve(performance.now())
    })
    provider.on('connection-close', (event: { code?: number } | null) => {
      if (event?.code && event.code >= 4000) {
        clearTimeout(timer)
        reject(new Error(`provider closed with ${event.code}`))
      }
    })
  }).catch((e: unknown) => {
    provider.destroy()
    doc.destroy()
    throw e
  })
  const p = firstParagraphWithText(doc)
  return { connectToSyncedMs: synced - t0, openToSyncedMs: synced - tOpen, textLength: p, provider }
}

function firstParagraphWithText(doc: Y.Doc): number {
  let longest = 0
  for (const op of doc.get('root', Y.XmlText).toDelta() as { insert: unknown }[]) {
    if (op.insert instanceof Y.XmlText) longest = Math.max(longest, paragraphText(op.insert).length)
  }
  return longest
}

export function closeProvider(p: WebsocketProvider) {
  const doc = p.doc
  p.destroy()
  doc.destroy()
}

export interface MemoryResult {
  docs: number
  baselineHeap: number
  baselineRss: number
  heapPerDoc: number
  rssPerDoc: number
  /** Heap back within 20% of what the open documents added, this long after the clients left (null: not within the wait). */
  unloadedAfterMs: number | null
  heapAfterLeave: number
  /** The first room's connect → synced (the replayed narrative). */
  firstCold: number
  cold: Summary
  coldOpen: Summary
  warm: Summary
  textLengths: number[]
}

/**
 * Opens `rooms` one by one with a provider each (timed; on Accord after a restart these are cold
 * loads from PostgreSQL), reopens each once more (warm), keeps one provider per room open and
 * measures the server's heap and RSS delta per document; then closes everything and watches the
 * heap fall back (idle unload) for up to `unloadWaitMs`.
 */
export async function measureOpenAndMemory(
  server: ServerHandle,
  target: Target,
  rooms: string[],
  opts: { unloadWaitMs: number; beforeOpen?: (room: string) => Promise<void> },
): Promise<MemoryResult> {
  const base = await server.mem()
  const cold: number[] = []
  const coldOpen: number[] = []
  const warm: number[] = []
  const textLengths: number[] = []
  const providers: WebsocketProvider[] = []
  for (const room of rooms) {
    await opts.beforeOpen?.(room)
    const first = await openWithProvider(target, room)
    cold.push(first.connectToSyncedMs)
    coldOpen.push(first.openToSyncedMs)
    textLengths.push(first.textLength)
    providers.push(first.provider)
    const again = await openWithProvider(target, room)
    warm.push(again.connectToSyncedMs)
    closeProvider(again.provider)
  }
  await sleep(500)
  const loaded = await server.mem()
  const added = loaded.heapUsed - base.heapUsed
  for (const p of providers) closeProvider(p)
  const left = performance.now()
  let unloadedAfterMs: number | null = null
  let after = loaded
  if (opts.unloadWaitMs > 0) {
    while (performance.now() - left < opts.unloadWaitMs) {
      await sleep(2000)
      after = await server.mem()
      if (after.heapUsed - base.heapUsed < 0.2 * added) {
        unloadedAfterMs = performance.now() - left
        break
      }
    }
  }
  return {
    docs: rooms.length,
    baselineHeap: base.heapUsed,
    baselineRss: base.vmRss,
    heapPerDoc: added / rooms.length,
    rssPerDoc: (loaded.vmRss - base.vmRss) / rooms.length,
    unloadedAfterMs,
    heapAfterLeave: after.heapUsed,
    firstCold: cold[0] ?? Number.NaN,
    cold: summarize(cold),
    coldOpen: summarize(coldOpen),
    warm: summarize(warm),
    textLengths,
  }
}
