/**
 * How long opening a large stored narrative stalls the event loop for everyone else on the
 * instance (issue 13, finding 16). For each size: a stored document of that size (one state row,
 * many small items, as typing makes them), then one raw client opens it and asks for everything;
 * `monitorEventLoopDelay` records the loop's delay meanwhile. Prints max and p99 delay (and the time
 * from opening to the full sync). Run: `npx tsx bench/load-stall.ts`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import postgres from 'postgres'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { migrate } from '#db/migrate.ts'
import { appendSeedUpdate, compactNarrativeLog } from '#db/queries/narrative-docs.ts'
import { createCollabFixture, startCollabServer } from '#test/collab-helpers.ts'
import { foldNarrativeLog } from '#server/collab/fold.ts'
import { DEFAULT_LIMITS } from '#server/collab/limits.ts'
import { createDatabase } from './collab/accord-setup.ts'

const SIZES_MB = (process.env.SIZES_MB ?? '4,8,15').split(',').map(Number)

function documentOf(bytes: number): Uint8Array {
  const doc = new Y.Doc()
  const text = doc.getText('probe')
  const line = `${'lorem ipsum dolor sit amet '.repeat(3)}\n`
  // One item per insert, as typing makes them; the encoding is about the text's length.
  while (Y.encodeStateAsUpdate(doc).byteLength < bytes) {
    doc.transact(() => {
      for (let i = 0; i < 5000; i++) text.insert((i * 7919) % (text.length + 1), line)
    })
  }
  return Y.encodeStateAsUpdate(doc)
}

function syncStep1Empty(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, Uint8Array.of(0))
  return encoding.toUint8Array(e)
}

const database = await createDatabase()
const sql = postgres(database.url, { max: 4, onnotice: () => {} })
try {
  await migrate(sql)
  const fx = await createCollabFixture(sql)
  // Above the limit on purpose: the figures show why it is where it is.
  const server = await startCollabServer(sql, { limits: { maxDocumentBytes: 64 * 1024 * 1024 } })
  console.log(`document limit: ${DEFAULT_LIMITS.maxDocumentBytes / 1024 / 1024} MB`)
  console.log('size MB | stored MB | loop max ms | loop p99 ms | open→full sync ms')
  for (const mb of SIZES_MB) {
    const id = await fx.newNarrative()
    const update = documentOf(mb * 1024 * 1024)
    await appendSeedUpdate(sql, { narrativeId: id, update: () => update })
    const { bytes } = await compactNarrativeLog(sql, id, foldNarrativeLog)
    await new Promise((r) => setTimeout(r, 500))
    const h = monitorEventLoopDelay({ resolution: 5 })
    h.enable()
    const started = performance.now()
    const ws = new WebSocket(`${server.url}/${id}`, { headers: { Cookie: fx.owner.cookie } })
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(syncStep1Empty()))
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data[1] === 1) resolve()
      })
      ws.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)))
    })
    const opened = performance.now() - started
    // The derive job and checkpoints run after the load: keep measuring through them.
    await new Promise((r) => setTimeout(r, 2000))
    h.disable()
    ws.close()
    console.log(
      [mb, (bytes / 1024 / 1024).toFixed(1), (h.max / 1e6).toFixed(0), (h.percentile(99) / 1e6).toFixed(0), opened.toFixed(0)].join(' | '),
    )
    await new Promise((r) => setTimeout(r, 500))
  }
  await server.close()
} finally {
  await sql.end()
  await database.drop()
}
