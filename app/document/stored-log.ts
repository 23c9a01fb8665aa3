import * as Y from 'yjs'

/** A stored narrative as read from PostgreSQL: the compacted state (V2) and the log rows after it (V1). */
export interface StoredLog {
  state: Uint8Array | null
  updates: readonly { seq?: number; data: Uint8Array }[]
}

export interface ApplyStoredLogOptions {
  /** The origin of the one transaction everything is applied in. */
  origin?: unknown
  /** Told about each row that was skipped (does not decode, or cannot be applied). */
  onSkipped?: (row: StoredLog['updates'][number], error: unknown) => void
  /**
   * 'skip' (loading, folding): a row that decodes but throws while applied is skipped like an
   * unreadable one. 'throw': the error ends the transaction, for a caller that must rebuild a
   * document a row changed half-way (see ARCHITECTURE.md, hostile updates).
   */
  applyErrors?: 'skip' | 'throw'
}

/**
 * Applies a stored narrative to `doc` in one transaction: the state, then each log row, decoding
 * every row before it is applied so that an unreadable one is skipped instead of changing the
 * document part-way. The one copy of this rule, for the server's load and catch-up, compaction,
 * stored snapshots, the demo and the bench (server/collab/fold-worker.mjs mirrors it: a worker
 * started from plain JavaScript cannot import TypeScript). Returns how many rows were skipped.
 */
export function applyStoredLog(doc: Y.Doc, stored: StoredLog, opts: ApplyStoredLogOptions = {}): number {
  let skipped = 0
  doc.transact(() => {
    if (stored.state) Y.applyUpdateV2(doc, stored.state)
    for (const row of stored.updates) {
      try {
        Y.decodeUpdate(row.data)
      } catch (e) {
        skipped++
        opts.onSkipped?.(row, e)
        continue
      }
      try {
        Y.applyUpdate(doc, row.data)
      } catch (e) {
        if (opts.applyErrors === 'throw') throw e
        skipped++
        opts.onSkipped?.(row, e)
      }
    }
  }, opts.origin ?? null)
  return skipped
}

/** The document a stored narrative holds, as one V1 update. */
export function storedLogToUpdate(stored: StoredLog): Uint8Array {
  const doc = new Y.Doc()
  try {
    applyStoredLog(doc, stored)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
