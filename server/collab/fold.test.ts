import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { foldNarrativeLog, foldNarrativeLogOffThread, WORKER_FOLD_BYTES } from './fold.ts'

function bigLog() {
  const doc = new Y.Doc()
  const updates: { seq: number; data: Uint8Array }[] = []
  doc.on('update', (u: Uint8Array) => updates.push({ seq: updates.length + 1, data: u }))
  const text = doc.getText('probe')
  for (let i = 0; i < 3000; i++) text.insert(text.length, `paragraph ${i} ${'x'.repeat(80)}\n`)
  text.delete(0, 50_000)
  return { doc, log: { state: null, throughSeq: 0, updates } }
}

test('folding drops deleted content and keeps the text; large logs fold identically in a worker thread', async () => {
  const { doc, log } = bigLog()
  expect(log.updates.reduce((n, u) => n + u.data.byteLength, 0)).toBeGreaterThan(WORKER_FOLD_BYTES)
  const here = foldNarrativeLog(log)
  const there = await foldNarrativeLogOffThread(log)
  expect(Buffer.from(there).equals(Buffer.from(here))).toBe(true)
  const folded = new Y.Doc()
  Y.applyUpdateV2(folded, there)
  expect(folded.getText('probe').toString()).toBe(doc.getText('probe').toString())
  // Garbage-collected: the 50,000 deleted characters are gone, not kept as tombstoned content.
  expect(there.byteLength).toBeLessThan(log.updates.reduce((n, u) => n + u.data.byteLength, 0) - 45_000)
})
