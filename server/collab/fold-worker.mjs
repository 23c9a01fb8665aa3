// Folds a stored narrative (state V2 + log V1) into one V2 state off the main thread.
// Plain JavaScript so it runs as a worker under node, tsx and vitest alike: it cannot import
// app/document/stored-log.ts, so it mirrors applyStoredLog there (keep the two in step).
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'

parentPort.on('message', ({ id, state, updates }) => {
  try {
    const doc = new Y.Doc({ gc: true })
    doc.transact(() => {
      if (state) Y.applyUpdateV2(doc, state)
      for (const data of updates) {
        try {
          Y.decodeUpdate(data)
          Y.applyUpdate(doc, data)
        } catch {
          // Unreadable rows are skipped, as when loading.
        }
      }
    })
    const result = Y.encodeStateAsUpdateV2(doc)
    doc.destroy()
    parentPort.postMessage({ id, result }, [result.buffer])
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) })
  }
})
