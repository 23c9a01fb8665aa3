/**
 * `npm run bench [-- --quick] [-- --only=fanout,throughput,b4]`: the collaboration server
 * (server/collab, real server child process, fresh PostgreSQL database) side by side with the
 * reference y-websocket server (@y/websocket-server 0.1.1, in memory), same clients, same machine.
 * Prints a table with ratios Accord/reference. A benchmark, not a test: it never fails on figures.
 */
import os from 'node:os'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { execSync } from 'node:child_process'
import path from 'node:path'
import postgres from 'postgres'
import * as Y from 'yjs'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { applyStoredLog } from '#app/document/stored-log.ts'
import { connectClient, unexpectedCloses, type Target } from './collab/client.ts'
import { createAccount, createDatabase, createNarratives, type BenchDatabase } from './collab/accord-setup.ts'
import { ROOT, started, startAccord, startReference, type ServerHandle } from './collab/servers.ts'
import {
  measureOpenAndMemory,
  pushState,
  runLoad,
  uploadReplay,
  type LoadResult,
  type MemoryResult,
  type UploadResult,
} from './collab/scenarios.ts'
import { fmt, summarize } from './collab/stats.ts'
import { loadTrace, replayTrace } from './collab/trace.ts'

process.setMaxListeners(0)
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',') ?? ['fanout', 'throughput', 'b4']
const want = (s: string) => only.includes(s)

const CONFIG = quick
  ? {
      fanout: [
        { docs: 1, writers: 2, rate: 5 },
        { docs: 1, writers: 10, rate: 5 },
        { docs: 1, writers: 50, rate: 5 },
        { docs: 40, writers: 5, rate: 2 },
      ],
      fanoutMs: 4000,
      warmupMs: 1000,
      throughput: { docs: 120, writers: 2, rate: 50, ms: 4000 },
      b4Edits: 60_000,
      memoryDocs: 3,
      unloadWaitMs: 0,
    }
  : {
      fanout: [
        { docs: 1, writers: 2, rate: 5 },
        { docs: 1, writers: 10, rate: 5 },
        { docs: 1, writers: 50, rate: 5 },
        { docs: 200, writers: 5, rate: 2 },
      ],
      fanoutMs: 20000,
      warmupMs: 2000,
      throughput: { docs: 120, writers: 2, rate: 50, ms: 15000 },
      b4Edits: Infinity,
      memoryDocs: 20,
      unloadWaitMs: 60000,
    }
const EDITS_PER_MESSAGE = 2000
const UPLOAD_MESSAGES_PER_SEC = 80

const log = (...a: unknown[]) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s]`, ...a)
const t0 = performance.now()
const outDir = `/tmp/accord-bench-${process.pid}`
mkdirSync(outDir, { recursive: true })

interface Side {
  server: ServerHandle
  target: Target
}

type Row = [section: string, metric: string, accord: string, reference: string, ratio: string, target: string]
const rows: Row[] = []
const notes: string[] = []
/** 1-minute load average when each part started: the machine is shared (other engineers' tests). */
const loads: string[] = []
const markLoad = (what: string) => loads.push(`${what} ${os.loadavg()[0]!.toFixed(1)}`)
const ratio = (a: number | null | undefined, r: number | null | undefined) =>
  a === null || a === undefined || r === null || r === undefined || !Number.isFinite(a) || !Number.isFinite(r) || r === 0
    ? '—'
    : `${(a / r).toFixed(2)}×`
const row = (section: string, metric: string, a: number | null, r: number | null, target = '', digits = 1, showRatio = true) =>
  rows.push([section, metric, fmt(a, digits), fmt(r, digits), showRatio ? ratio(a, r) : '—', target])
const MB = 1024 * 1024

function ensureBuild() {
  if (existsSync(path.join(ROOT, 'build/index.js'))) return
  log('no Remix build: running `remix build` (the server needs it for /signup and /api/v1)')
  execSync('npx remix build', { cwd: ROOT, stdio: 'inherit' })
}

async function main() {
  ensureBuild()
  let db: BenchDatabase | null = null
  let accord: ServerHandle | null = null
  let reference: ServerHandle | null = null
  const cleanup = async () => {
    // Every server of the run, including the ones restarted for the cold-open part.
    await Promise.all(started.map((h) => h.stop().catch(() => ({ code: null, signal: null }))))
    await db?.drop().catch((e: unknown) => log(`could not drop ${db?.name}: ${(e as Error).message}`))
  }
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))
  try {
    db = await createDatabase()
    log(`database ${db.name}`)
    ;[accord, reference] = await Promise.all([startAccord(db.url), startReference()])
    log(`accord on ${accord.port}, reference on ${reference.port}`)
    const account = await createAccount(accord.port)
    const A: Side = {
      server: accord,
      target: { kind: 'accord', serverUrl: `ws://127.0.0.1:${accord.port}/collab`, headers: { Authorization: `Bearer ${account.token}` } },
    }
    const R: Side = { server: reference, target: { kind: 'reference', serverUrl: `ws://127.0.0.1:${reference.port}/collab`, headers: {} } }
    // Sanity: the cookie path authenticates too (browsers use it).
    const viaCookie = await connectClient(
      { ...A.target, headers: { Cookie: account.cookie } },
      (await createNarratives(accord.port, account.token, 1, 'Cookie check'))[0]!,
    )
    viaCookie.close()

    if (want('fanout')) {
      // BENCH_FANOUT=200x5 (docs x writers, comma-separated) runs only those fan-out cases (profiling).
      const pick = process.env.BENCH_FANOUT?.split(',')
      for (const f of CONFIG.fanout.filter((c) => !pick || pick.includes(`${c.docs}x${c.writers}`))) {
        const label = f.docs === 1 ? `${f.writers} writers, 1 doc` : `${f.docs} docs × ${f.writers} writers`
        const rooms = await createNarratives(accord.port, account.token, f.docs, `Fan-out ${label}`)
        const results: Record<string, LoadResult> = {}
        markLoad(`fan-out ${label}`)
        for (const side of [R, A]) {
          log(`fan-out ${label} on ${side.target.kind}…`)
          results[side.target.kind] = await runLoad({
            server: side.server,
            target: side.target,
            rooms,
            writersPerDoc: f.writers,
            ratePerWriter: f.rate,
            durationMs: CONFIG.fanoutMs,
            warmupMs: CONFIG.warmupMs,
          })
          log(JSON.stringify(results[side.target.kind]))
        }
        reportLoad(`Fan-out ${label} (${f.rate} keys/s each)`, results.accord!, results.reference!, true)
      }
    }

    if (want('throughput')) {
      const t = CONFIG.throughput
      const rooms = await createNarratives(accord.port, account.token, t.docs, 'Throughput')
      const results: Record<string, LoadResult> = {}
      markLoad('throughput')
      for (const side of [R, A]) {
        log(`throughput ${t.docs} docs × ${t.writers} writers × ${t.rate}/s on ${side.target.kind}…`)
        results[side.target.kind] = await runLoad({
          server: side.server,
          target: side.target,
          rooms,
          writersPerDoc: t.writers,
          ratePerWriter: t.rate,
          durationMs: t.ms,
          warmupMs: CONFIG.warmupMs,
          pregenerate: true,
        })
        log(JSON.stringify(results[side.target.kind]))
      }
      const a = results.accord!
      const r = results.reference!
      const section = `Throughput (${t.docs} docs × ${t.writers} writers × ${t.rate} updates/s = ${fmt(t.docs * t.writers * t.rate)} offered/s)`
      row(section, 'updates sent /s (window)', a.sent / (t.ms / 1000), r.sent / (t.ms / 1000), '', 0)
      rows.push([
        section,
        'committed updates /s (Accord: MESSAGE_SAVED) vs relayed updates /s (reference, no persistence)',
        fmt(a.committedPerSec, 0),
        fmt(r.relayedPerSec, 0),
        ratio(a.committedPerSec, r.relayedPerSec),
        '≥ 10,000',
      ])
      row(section, 'relayed updates /s (deliveries to peers)', a.relayedPerSec, r.relayedPerSec, '', 0)
      reportLoad(section, a, r, false)
    }

    if (want('b4')) await b4AndMemory(A, R, db, account.token)

    const linesOf = (kind: string) => started.filter((h) => h.kind === kind).flatMap((h) => h.lines)
    const accordWarnings = linesOf('accord').filter((l) => /warn|error|closing|failed/i.test(l))
    if (accordWarnings.length)
      notes.push(`Accord server printed ${accordWarnings.length} warning/error line(s); first: ${accordWarnings.slice(0, 5).join(' | ')}`)
    const refErrors = linesOf('reference').filter((l) => /error/i.test(l))
    if (refErrors.length) notes.push(`Reference printed ${refErrors.length} error line(s); first: ${refErrors.slice(0, 3).join(' | ')}`)
    const byCode = new Map<string, number>()
    for (const c of unexpectedCloses)
      byCode.set(`${c.kind} ${c.code} ${c.reason}`, (byCode.get(`${c.kind} ${c.code} ${c.reason}`) ?? 0) + 1)
    for (const [k, n] of byCode) notes.push(`unexpected socket close: ${k} × ${n}`)
  } finally {
    started.forEach((h, i) => writeFileSync(`${outDir}/${h.kind}-${i + 1}.log`, h.lines.join('\n')))
    await cleanup()
  }
  print()
}

function reportLoad(section: string, a: LoadResult, r: LoadResult, withCounts: boolean) {
  row(section, 'keystroke → all peers p50 (ms)', a.allPeers.p50, r.allPeers.p50, '', 2)
  row(section, 'keystroke → all peers p99 (ms)', a.allPeers.p99, r.allPeers.p99, 'Accord ≤ reference', 2)
  row(section, 'keystroke → one peer p99 (ms)', a.perPeer.p99, r.perPeer.p99, '', 2)
  row(section, 'Accord: keystroke → MESSAGE_SAVED p50 / p99 (ms)', null, null, '', 1, false)
  rows[rows.length - 1]![2] = `${fmt(a.commit?.p50)} / ${fmt(a.commit?.p99)}`
  row(section, 'server CPU (ms per s)', a.serverCpuPerSec, r.serverCpuPerSec, '', 0)
  row(section, 'PostgreSQL CPU, all backends (ms per s)', a.postgresCpuPerSec, r.postgresCpuPerSec, '', 0, false)
  row(section, 'server event-loop delay p99 / max (ms)', null, null, '', 0, false)
  rows[rows.length - 1]![2] = `${fmt(a.serverLoopP99, 0)} / ${fmt(a.serverLoopMax, 0)}`
  rows[rows.length - 1]![3] = `${fmt(r.serverLoopP99, 0)} / ${fmt(r.serverLoopMax, 0)}`
  if (withCounts) row(section, 'keystrokes measured', a.sent, r.sent, '', 0, false)
  const problems = [
    a.incomplete ? `Accord: ${a.incomplete} keystrokes not seen by every peer` : '',
    r.incomplete ? `reference: ${r.incomplete} keystrokes not seen by every peer` : '',
    a.unacked ? `Accord: ${a.unacked} updates never acknowledged (MESSAGE_SAVED)` : '',
    a.closes ? `Accord: ${a.closes} sockets closed by the server` : '',
    r.closes ? `reference: ${r.closes} sockets closed by the server` : '',
    a.benchLoopP99 > 20 || r.benchLoopP99 > 20
      ? `bench (load generator) event-loop delay p99/max ${fmt(a.benchLoopP99, 0)}/${fmt(a.benchLoopMax, 0)} ms during the Accord run, ${fmt(r.benchLoopP99, 0)}/${fmt(r.benchLoopMax, 0)} ms during the reference run: it shares the 2 cores`
      : '',
  ].filter(Boolean)
  for (const p of problems) notes.push(`${section}: ${p}`)
}

async function b4AndMemory(A: Side, R: Side, db: BenchDatabase, token: string) {
  const section = 'B4 (automerge-paper) narrative'
  markLoad('B4')
  log('loading and replaying automerge-paper…')
  const trace = loadTrace('automerge-paper.json.gz')
  const [b4Room, ...memRooms] = await createNarratives(A.server.port, token, CONFIG.memoryDocs, 'B4')
  // The server seeds the narrative (one empty paragraph) on first open: replay on top of that seed.
  const seedClient = await connectClient(A.target, b4Room!)
  const base = Y.encodeStateAsUpdate(seedClient.doc)
  seedClient.close()
  const replay = replayTrace(trace, base, EDITS_PER_MESSAGE, CONFIG.b4Edits)
  log(
    `replayed ${replay.edits} edits in ${fmt(replay.replayMs, 0)} ms: ${replay.batches.length} messages, state ${replay.state.byteLength} B (V1) / ${replay.stateV2.byteLength} B (V2), text ${replay.text.length} chars${replay.matchesEndContent ? ' = endContent' : ''}`,
  )
  notes.push(
    `B4 replay: ${replay.edits.toLocaleString('en-US')} edits (one Yjs transaction each, ${(replay.editBytes / MB).toFixed(1)} MB of updates) replayed client-side in ${fmt(replay.replayMs / 1000)} s, sent as ${replay.batches.length} update messages of ${EDITS_PER_MESSAGE} edits (merged), ≤ ${UPLOAD_MESSAGES_PER_SEC} messages/s (Accord's per-connection limit is 100/s); final text ${replay.text.length.toLocaleString('en-US')} chars${replay.matchesEndContent ? ' (equals endContent)' : ''}, state ${(replay.state.byteLength / 1024).toFixed(0)} kB V1 / ${(replay.stateV2.byteLength / 1024).toFixed(0)} kB V2.`,
  )

  // Upload through the protocol (both), then the other memory documents as one state update each.
  const uploads: Record<string, UploadResult> = {}
  for (const side of [R, A]) {
    log(`uploading the replay to ${side.target.kind}…`)
    uploads[side.target.kind] = await uploadReplay(side.target, b4Room!, replay, {
      base: side === R ? base : undefined,
      messagesPerSec: UPLOAD_MESSAGES_PER_SEC,
    })
    log(JSON.stringify(uploads[side.target.kind]))
  }
  row(
    section,
    `upload of the replay: ${replay.batches.length} messages, send → applied (ms)`,
    uploads.accord!.uploadMs,
    uploads.reference!.uploadMs,
    '',
    0,
  )
  row(section, 'upload: send → all committed (MESSAGE_SAVED) (ms)', uploads.accord!.committedMs, null, '', 0, false)
  if (!uploads.accord!.ok) notes.push('Accord: the B4 upload was not fully acknowledged or the socket closed')

  for (const room of memRooms)
    if (!(await pushState(A.target, room, replay.state))) notes.push(`Accord: pushing the B4 state into ${room} was not acknowledged`)

  // Accord: graceful restart (flush + compaction), then everything is cold.
  log('restarting Accord (SIGTERM, then start)…')
  const stopStarted = performance.now()
  const exit = await A.server.stop('SIGTERM')
  const stopMs = performance.now() - stopStarted
  if (exit.code !== 0) notes.push(`Accord exited with ${exit.code ?? exit.signal} on SIGTERM`)
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  const [stored] = await sql<{ bytes: number; rows: string }[]>`
    select coalesce((select octet_length(state) from narrative_states where narrative_id = ${b4Room!}), 0) as bytes,
           (select count(*) from narrative_updates where narrative_id = ${b4Room!}) as rows`
  row(section, 'stored after shutdown: state row (bytes) / log rows left', stored!.bytes, null, '', 0, false)
  rows[rows.length - 1]![2] = `${fmt(stored!.bytes, 0)} / ${stored!.rows}`
  row(section, 'graceful shutdown (SIGTERM → exit, ms)', stopMs, null, '', 0, false)
  // The server's load path (getNarrativeLog + applyStoredLog), run in the bench process.
  const loadSamples: number[] = []
  for (let i = 0; i < 5; i++) {
    const s = performance.now()
    const stored2 = await getNarrativeLog(sql, b4Room!)
    const doc = new Y.Doc()
    applyStoredLog(doc, stored2)
    loadSamples.push(performance.now() - s)
    doc.destroy()
  }
  await sql.end()

  const accord2 = await startAccord(db.url)
  A.server = accord2
  A.target = { ...A.target, serverUrl: `ws://127.0.0.1:${accord2.port}/collab` }
  log(`accord restarted on ${accord2.port}; reference restarted too (empty, in memory)`)
  const reference2 = await (async () => {
    await R.server.stop('SIGTERM')
    return startReference()
  })()
  R.server = reference2
  R.target = { ...R.target, serverUrl: `ws://127.0.0.1:${reference2.port}/collab` }

  const rooms = [b4Room!, ...memRooms]
  const mem: Record<string, MemoryResult> = {}
  log(`opening ${rooms.length} B4 documents on the reference (pushed first, in memory)…`)
  mem.reference = await measureOpenAndMemory(R.server, R.target, rooms, {
    unloadWaitMs: Math.min(CONFIG.unloadWaitMs, 10000),
    beforeOpen: async (room) => {
      await pushState(R.target, room, replay.state)
    },
  })
  log(JSON.stringify(mem.reference))
  log(`opening ${rooms.length} B4 documents on Accord (cold: loaded from PostgreSQL)…`)
  mem.accord = await measureOpenAndMemory(A.server, A.target, rooms, { unloadWaitMs: CONFIG.unloadWaitMs })
  log(JSON.stringify(mem.accord))
  const a = mem.accord
  const r = mem.reference
  if (a.textLengths[0] !== replay.text.length)
    notes.push(`Accord: after restart the B4 narrative has ${a.textLengths[0]} chars, expected ${replay.text.length}`)
  const wrong = a.textLengths.filter((n) => n !== replay.text.length).length
  if (wrong) notes.push(`Accord: ${wrong} of ${rooms.length} reopened B4 documents have the wrong length`)

  row(
    section,
    'first open of the replayed narrative: connect → synced (ms) [Accord cold from PostgreSQL; reference in memory]',
    a.firstCold,
    r.firstCold,
    '',
    1,
  )
  row(
    section,
    `open connect → synced p50 over ${rooms.length} B4 docs (ms) [Accord cold; reference in memory]`,
    a.cold.p50,
    r.cold.p50,
    '',
    1,
  )
  row(section, 'same, websocket open → synced p50 (ms)', a.coldOpen.p50, r.coldOpen.p50, '', 1)
  row(section, 'warm reopen (doc loaded) connect → synced p50 (ms)', a.warm.p50, r.warm.p50, '', 1)
  row(section, 'server-side load ≈ cold − warm, p50 (ms)', a.cold.p50 - a.warm.p50, null, '≤ 50', 1, false)
  row(section, 'load path in the bench process: getNarrativeLog + applyUpdateV2 (first / median of 5, ms)', null, null, '≤ 50', 1, false)
  rows[rows.length - 1]![2] = `${fmt(loadSamples[0])} / ${fmt(summarize(loadSamples).p50)}`
  const msection = `Server memory, ${rooms.length} B4 documents open (one provider each)`
  row(msection, 'heap per open document (MB, after GC)', a.heapPerDoc / MB, r.heapPerDoc / MB, '≤ 3', 2)
  row(msection, 'RSS per open document (MB)', a.rssPerDoc / MB, r.rssPerDoc / MB, '', 2)
  row(msection, 'baseline heap / RSS before opening (MB)', a.baselineHeap / MB, r.baselineHeap / MB, '', 0)
  rows[rows.length - 1]![2] = `${fmt(a.baselineHeap / MB, 0)} / ${fmt(a.baselineRss / MB, 0)}`
  rows[rows.length - 1]![3] = `${fmt(r.baselineHeap / MB, 0)} / ${fmt(r.baselineRss / MB, 0)}`
  if (CONFIG.unloadWaitMs > 0) {
    rows.push([
      msection,
      'idle documents unloaded: heap back near baseline after the last client left (s)',
      a.unloadedAfterMs === null ? `not within ${CONFIG.unloadWaitMs / 1000} s` : fmt(a.unloadedAfterMs / 1000),
      r.unloadedAfterMs === null ? `never (in-memory mode keeps docs)` : fmt(r.unloadedAfterMs / 1000),
      '—',
      'unloaded (~30 s)',
    ])
  } else {
    notes.push('idle unload not observed in --quick mode (Accord unloads 30 s after the last client leaves)')
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
  let pg = ''
  try {
    pg = execSync(`psql -h 127.0.0.1 -U postgres -Atc 'show server_version'`, { encoding: 'utf8' }).trim()
  } catch {
    pg = '?'
  }
  return [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB, ${os.type()} ${os.release()}`,
    `node ${process.version}; PostgreSQL ${pg}; yjs ${pkg('yjs')}, y-protocols ${pkg('y-protocols')}, y-websocket ${pkg('y-websocket')}, @y/websocket-server ${pkg('@y/websocket-server')}, ws ${pkg('ws')}, postgres ${pkg('postgres')}`,
    `mode: ${quick ? 'quick' : 'full'}; clients: bench/collab/client.ts (y-protocols messages over ws, one Y.Doc each) for load, y-websocket WebsocketProvider for opens`,
  ].join('\n')
}

function print() {
  const header: Row = ['scenario', 'metric', 'Accord', 'reference', 'Accord/ref', 'target']
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`]
  let last = ''
  for (const r of rows) {
    lines.push(`| ${r[0] === last ? '' : r[0]} | ${r.slice(1).join(' | ')} |`)
    last = r[0]
  }
  markLoad('end')
  notes.push(`1-minute load average (2 cores, shared with other work): ${loads.join(', ')}`)
  const out = [
    `# npm run bench${quick ? ' -- --quick' : ''}`,
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

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
