import * as Y from 'yjs'
import type { NarrativeLog } from '#db/queries/narrative-docs.ts'

/**
 * The compacted state of a stored document: state row and log loaded into a garbage-collected
 * Y.Doc and re-encoded (V2). Not Y.mergeUpdates, which keeps deleted content and is superlinear
 * on many small updates. Unreadable rows are skipped, as when loading.
 */
export function foldNarrativeLog(log: NarrativeLog): Uint8Array {
  const doc = new Y.Doc({ gc: true })
  try {
    doc.transact(() => {
      if (log.state) Y.applyUpdateV2(doc, log.state)
      for (const row of log.updates) {
        try {
          Y.decodeUpdate(row.data)
          Y.applyUpdate(doc, row.data)
        } catch {
          // Already reported when the document was loaded.
        }
      }
    })
    return Y.encodeStateAsUpdateV2(doc)
  } finally {
    doc.destroy()
  }
}
