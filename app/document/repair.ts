import * as Y from 'yjs'
import { checkAttribute, checkChild, checkHoldsText, checkNodeState, checkNodeType, type SharedKind } from './schema.ts'
import { ROOT_NAME } from './update-check.ts'

/**
 * The forward change (V1 update) that removes from a document state every top-level block the
 * schema refuses (an unknown node type, a crafted tag, inline CSS, a node in the wrong place, text
 * loose in the root), with how many it removed; null when nothing needs removing. Written before
 * the schema check existed, such content breaks every editor and every render of the narrative.
 */
export function buildRepairUpdate(state: Uint8Array): { update: Uint8Array; dropped: number } | null {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    const root = doc.get(ROOT_NAME, Y.XmlText)
    const doomed: { index: number; length: number }[] = []
    let index = 0
    for (let item = root._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue
      const content = item.content
      const ok = content instanceof Y.ContentType && problemOf(content.type as Y.AbstractType<unknown>, 'root') === null
      if (!ok) doomed.push({ index, length: item.length })
      index += item.length
    }
    if (doomed.length === 0) return null
    const before = Y.encodeStateVector(doc)
    doc.transact(() => {
      for (const d of doomed.reverse()) root.delete(d.index, d.length)
      // Lexical needs a block to put the caret in.
      if (root.length === 0) root.insertEmbed(0, emptyParagraph())
    })
    return { update: Y.encodeStateAsUpdate(doc, before), dropped: doomed.length }
  } finally {
    doc.destroy()
  }
}

/** What the schema refuses in the node stored as `type` under a `parent` node, or null. */
function problemOf(type: Y.AbstractType<unknown>, parent: string): string | null {
  const kind: SharedKind | null =
    type instanceof Y.XmlText ? 'XmlText' : type instanceof Y.XmlElement ? 'XmlElement' : type instanceof Y.Map ? 'Map' : null
  if (!kind) return 'unknown shared type'
  const nodeType = valueOf(type._map.get('__type'))
  const problem = checkNodeType(nodeType, kind) ?? checkChild(parent, nodeType as string)
  if (problem) return problem
  for (const [key, item] of type._map) {
    if (item.deleted) continue
    if (key === '__state' && item.content instanceof Y.ContentType) {
      for (const [k, entry] of (item.content.type as Y.AbstractType<unknown>)._map) {
        if (!entry.deleted && checkNodeState(k, valueOf(entry))) return 'node state'
      }
      continue
    }
    if (!(item.content instanceof Y.ContentAny)) return `attribute ${key}`
    const p = checkAttribute(nodeType as string, key, valueOf(item))
    if (p) return p
  }
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue
    const content = item.content
    const p =
      content instanceof Y.ContentString
        ? checkHoldsText(nodeType as string)
        : content instanceof Y.ContentType
          ? problemOf(content.type as Y.AbstractType<unknown>, nodeType as string)
          : 'content'
    if (p) return p
  }
  return null
}

function valueOf(item: Y.Item | undefined): unknown {
  if (!item || item.deleted) return undefined
  return item.content.getContent()[item.content.getLength() - 1]
}

/** The attributes Lexical's Yjs binding writes for a new, empty paragraph. */
export const EMPTY_PARAGRAPH_ATTRIBUTES = {
  __type: 'paragraph',
  __format: 0,
  __style: '',
  __indent: 0,
  __dir: null,
  __textFormat: 0,
  __textStyle: '',
} as const

function emptyParagraph(): Y.XmlText {
  const p = new Y.XmlText()
  for (const [k, v] of Object.entries(EMPTY_PARAGRAPH_ATTRIBUTES)) p.setAttribute(k, v as string)
  return p
}
