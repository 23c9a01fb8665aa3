import * as Y from 'yjs'
import type { Db } from '#db/client.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { log } from '#app/utils/log.ts'
import { applyStoredLog } from './stored-log.ts'

/** A narrative's stored document as one state: V1 (for the headless editor) and V2 (for storage). */
export interface StoredSnapshot {
  update: Uint8Array
  stateV2: Uint8Array
  /** Every committed update with a sequence number up to this one is in the state. */
  throughSeq: number
}

/** Builds the narrative's current document from PostgreSQL (compacted state + the log after it). */
export async function loadStoredSnapshot(db: Db, narrativeId: string): Promise<StoredSnapshot> {
  const stored = await getNarrativeLog(db, narrativeId)
  const doc = new Y.Doc({ gc: true })
  try {
    applyStoredLog(doc, stored, {
      onSkipped: (row, e) => log.warn(`snapshot: skipped unreadable log row ${row.seq} of narrative ${narrativeId}: ${String(e)}`),
    })
    const throughSeq = Math.max(stored.throughSeq, ...stored.updates.map((u) => u.seq))
    return { update: Y.encodeStateAsUpdate(doc), stateV2: Y.encodeStateAsUpdateV2(doc), throughSeq }
  } finally {
    doc.destroy()
  }
}

/** The V1 update of a stored V2 state (what the headless editor reads). */
export function v2ToV1(stateV2: Uint8Array): Uint8Array {
  return Y.convertUpdateFormatV2ToV1(stateV2)
}
