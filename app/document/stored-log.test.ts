import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { applyStoredLog } from './stored-log.ts'

/** A stored narrative: a state holding "a", then log rows adding "b" and "c". */
function stored() {
  const source = new Y.Doc()
  const text = source.getText('t')
  text.insert(0, 'a')
  const state = Y.encodeStateAsUpdateV2(source)
  const rows = ['b', 'c'].map((letter, i) => {
    const before = Y.encodeStateVector(source)
    text.insert(text.length, letter)
    return { seq: i + 1, data: Y.encodeStateAsUpdate(source, before) }
  })
  return { state, rows }
}

test('applies the state, then every row; a row that does not decode is skipped and reported, the rest still applies', () => {
  const { state, rows } = stored()
  const garbage = { seq: 9, data: Uint8Array.of(0, 1, 255, 255, 255) }
  const doc = new Y.Doc()
  const skipped: number[] = []
  const transactions: unknown[] = []
  doc.on('afterTransaction', (tr: Y.Transaction) => transactions.push(tr.origin))
  const count = applyStoredLog(
    doc,
    { state, updates: [rows[0]!, garbage, rows[1]!] },
    { origin: 'load', onSkipped: (row) => skipped.push(row.seq!) },
  )
  expect(doc.getText('t').toString()).toBe('abc')
  expect([count, skipped]).toEqual([1, [9]])
  expect(transactions).toEqual(['load'])
})
