/** The editing traces of ../shared/bench-data (see its README) replayed into Lexical-shaped Yjs. */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { ensureParagraph, textNodeMap } from './client.ts'

export const BENCH_DATA = process.env.BENCH_DATA ?? '/work/shared/bench-data'

export interface SequentialTrace {
  endContent: string
  txns: { patches: [number, number, string][] }[]
}

export function loadTrace(name: string): SequentialTrace {
  return JSON.parse(gunzipSync(readFileSync(`${BENCH_DATA}/${name}`)).toString('utf8')) as SequentialTrace
}

/** Concatenated characters of a paragraph (embeds such as the text node's map skipped). */
export function paragraphText(p: Y.XmlText): string {
  let s = ''
  for (const op of p.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') s += op.insert
  return s
}

export interface Replay {
  /** Updates to send, each the merge of `editsPerMessage` consecutive one-transaction edits. */
  batches: Uint8Array[]
  edits: number
  /** Sum of the per-edit update sizes (what 259,778 keystroke messages would carry). */
  editBytes: number
  replayMs: number
  /** The final document (base + trace), V1 and V2. */
  state: Uint8Array
  stateV2: Uint8Array
  text: string
  matchesEndContent: boolean
}

/**
 * Replays `trace` (every transaction its own Yjs transaction, like a person typing) into a
 * document that starts from `base` (the server's seed: one empty Lexical paragraph): the text
 * goes into a Lexical text node in the first paragraph. `limit` replays a prefix only.
 */
export function replayTrace(trace: SequentialTrace, base: Uint8Array | null, editsPerMessage: number, limit = Infinity): Replay {
  const doc = new Y.Doc()
  if (base) Y.applyUpdate(doc, base)
  const started = performance.now()
  let pending: Uint8Array[] = []
  const batches: Uint8Array[] = []
  let editBytes = 0
  doc.on('update', (u: Uint8Array) => {
    pending.push(u)
    editBytes += u.byteLength
  })
  const flush = () => {
    if (pending.length === 0) return
    batches.push(pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending))
    pending = []
  }
  const p = ensureParagraph(doc)
  doc.transact(() => p.insertEmbed(p.length, textNodeMap()))
  const offset = p.length
  const n = Math.min(limit, trace.txns.length)
  for (let i = 0; i < n; i++) {
    const txn = trace.txns[i]!
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) p.delete(offset + pos, del)
        if (ins) p.insert(offset + pos, ins)
      }
    })
    if (pending.length >= editsPerMessage) flush()
  }
  flush()
  const replayMs = performance.now() - started
  const text = paragraphText(p)
  const result: Replay = {
    batches,
    edits: n,
    editBytes,
    replayMs,
    state: Y.encodeStateAsUpdate(doc),
    stateV2: Y.encodeStateAsUpdateV2(doc),
    text,
    matchesEndContent: n === trace.txns.length && text === trace.endContent,
  }
  doc.destroy()
  return result
}
