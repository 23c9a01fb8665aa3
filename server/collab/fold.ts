import { Worker } from 'node:worker_threads'
import * as Y from 'yjs'
import type { NarrativeLog } from '#db/queries/narrative-docs.ts'
import { log as logger } from '#app/utils/log.ts'
import { applyStoredLog } from '#app/document/stored-log.ts'

/** Stored documents larger than this are folded in a worker thread, off the event loop. */
export const WORKER_FOLD_BYTES = 256 * 1024

/**
 * The compacted state of a stored document: state row and log loaded into a garbage-collected
 * Y.Doc and re-encoded (V2). Not Y.mergeUpdates, which keeps deleted content and is superlinear
 * on many small updates. Unreadable rows are skipped, as when loading.
 */
export function foldNarrativeLog(log: NarrativeLog): Uint8Array {
  const doc = new Y.Doc({ gc: true })
  try {
    // Unreadable rows were reported when the document was loaded.
    applyStoredLog(doc, log)
    return Y.encodeStateAsUpdateV2(doc)
  } finally {
    doc.destroy()
  }
}

let worker: Worker | null = null
let nextId = 0
const waiting = new Map<number, { resolve: (u: Uint8Array) => void; reject: (e: Error) => void }>()

function foldWorker(): Worker {
  if (worker) return worker
  const w = new Worker(new URL('./fold-worker.mjs', import.meta.url))
  // An idle worker must not keep the process alive.
  w.unref()
  w.on('message', (msg: { id: number; result?: Uint8Array; error?: string }) => {
    const job = waiting.get(msg.id)
    waiting.delete(msg.id)
    if (msg.result) job?.resolve(msg.result)
    else job?.reject(new Error(msg.error ?? 'fold failed'))
  })
  const fail = (e: Error) => {
    worker = null
    for (const job of waiting.values()) job.reject(e)
    waiting.clear()
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`fold worker exited with ${code}`)))
  worker = w
  return w
}

/** Like foldNarrativeLog, in a worker thread when the stored document is large; falls back to this thread. */
export async function foldNarrativeLogOffThread(log: NarrativeLog): Promise<Uint8Array> {
  const bytes = (log.state?.byteLength ?? 0) + log.updates.reduce((n, u) => n + u.data.byteLength, 0)
  if (bytes < WORKER_FOLD_BYTES) return foldNarrativeLog(log)
  try {
    const id = nextId++
    const w = foldWorker()
    return await new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { resolve, reject })
      w.postMessage({ id, state: log.state, updates: log.updates.map((u) => u.data) })
    })
  } catch (e) {
    logger.warn(`collab: fold worker failed, folding on the main thread: ${e instanceof Error ? e.message : String(e)}`)
    return foldNarrativeLog(log)
  }
}

/**
 * Runs the load and sync code paths of Yjs (V2 decode, V1/V2 encode) on a synthetic document a
 * few times, so that the first real open after a start does not pay the JIT warm-up (measured:
 * the first applyUpdateV2 of the B4 narrative 133 ms, later ones 11-12 ms). About 50-100 ms of CPU,
 * once, after the server listens.
 */
export function warmUpYjs() {
  const source = new Y.Doc()
  const root = source.get('root', Y.XmlText)
  const paragraph = new Y.XmlText()
  root.insertEmbed(0, paragraph)
  const node = new Y.Map()
  paragraph.insertEmbed(0, node)
  node.set('__type', 'text')
  for (let i = 0; i < 1000; i++) {
    source.transact(() => {
      paragraph.insert(1 + ((i * 7) % (paragraph.length || 1)), 'warm ')
      if (i % 5 === 0) paragraph.delete(1 + ((i * 3) % Math.max(1, paragraph.length - 2)), 1)
    })
  }
  const v2 = Y.encodeStateAsUpdateV2(source)
  for (let round = 0; round < 3; round++) {
    const doc = new Y.Doc()
    Y.applyUpdateV2(doc, v2)
    Y.encodeStateAsUpdate(doc, Uint8Array.of(0))
    Y.encodeStateAsUpdateV2(doc)
    doc.destroy()
  }
  source.destroy()
}
