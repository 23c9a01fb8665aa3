import { $getAnchorAndFocusForUserState, type Binding, type UserState } from '@lexical/yjs'
import { $createRangeSelection, $getNodeByKey, $isElementNode, $isTextNode, type Point, type RangeSelection } from 'lexical'
import * as Y from 'yjs'

/**
 * Comment anchors: the start and end of a commented range as Yjs relative positions against the
 * narrative's shared root (the `XmlText` CollaborationPlugin binds to), encoded with
 * `Y.encodeRelativePosition`. They follow the text as anyone edits around it, never plain offsets,
 * and they need no change to the document, so commenters (whose updates the server drops) can
 * anchor too. No React and no DOM here: the browser plugin and the tests share this module.
 */
export interface EncodedAnchor {
  start: Uint8Array
  end: Uint8Array
  quote: string
}

/** Where an anchor points now: Lexical points, and the text between them ('' once deleted). */
export interface ResolvedAnchor {
  anchorKey: string
  anchorOffset: number
  anchorType: 'text' | 'element'
  focusKey: string
  focusOffset: number
  focusType: 'text' | 'element'
  text: string
}

export const MAX_QUOTE = 1000

// The shapes of @lexical/yjs' collab nodes that its (unexported) cursor code reads too.
interface CollabNodeLike {
  getSharedType(): Y.XmlText | Y.XmlElement | Y.Map<unknown>
  getOffset(): number
  _parent?: { _xmlText: Y.XmlText } | null
}

/**
 * The relative position of a Lexical point, as @lexical/yjs positions remote cursors: a text point
 * sits in its parent element's `XmlText`, after the text node's property map (+1) and the text
 * before it; an element point counts the Yjs size of the children before it.
 */
function $relativePositionOf(binding: Binding, point: Point, assoc: number): Y.RelativePosition | null {
  const collabNode = binding.collabNodeMap.get(point.key) as unknown as CollabNodeLike | undefined
  if (!collabNode) return null
  const node = point.getNode()
  if ($isTextNode(node)) {
    const parent = collabNode._parent
    const offset = collabNode.getOffset()
    if (!parent || offset === -1) return null
    return Y.createRelativePositionFromTypeIndex(parent._xmlText, offset + 1 + point.offset, assoc)
  }
  if (!$isElementNode(node)) return null
  let index = 0
  let child = node.getFirstChild()
  for (let i = 0; child !== null && i < point.offset; i++) {
    index += $isTextNode(child) ? child.getTextContentSize() + 1 : 1
    child = child.getNextSibling()
  }
  return Y.createRelativePositionFromTypeIndex(collabNode.getSharedType() as Y.XmlText, index, assoc)
}

/**
 * Encodes a non-collapsed selection as an anchor. The start sticks to the first character of the
 * range and the end to the last one, so text typed just outside the range stays outside it.
 */
export function $encodeSelection(binding: Binding, selection: RangeSelection): EncodedAnchor | null {
  if (selection.isCollapsed()) return null
  const [first, last] = selection.isBackward() ? [selection.focus, selection.anchor] : [selection.anchor, selection.focus]
  const start = $relativePositionOf(binding, first, 0)
  const end = $relativePositionOf(binding, last, -1)
  const quote = selection.getTextContent().trim()
  if (!start || !end || quote === '') return null
  return {
    start: Y.encodeRelativePosition(start),
    end: Y.encodeRelativePosition(end),
    quote: quote.length > MAX_QUOTE ? `${quote.slice(0, MAX_QUOTE - 1)}…` : quote,
  }
}

/**
 * Resolves an anchor in the editor bound to the document. Null when the range cannot be found any
 * more, or when nothing of it is left: the thread then shows its quote as "text removed".
 */
export function $resolveAnchor(binding: Binding, start: Uint8Array, end: Uint8Array, quote?: string): ResolvedAnchor | null {
  let anchorPos: Y.RelativePosition
  let focusPos: Y.RelativePosition
  try {
    anchorPos = Y.decodeRelativePosition(start)
    focusPos = Y.decodeRelativePosition(end)
  } catch {
    return null
  }
  // A position inside a deleted block resolves into a type that no longer has Lexical nodes.
  const absoluteStart = Y.createAbsolutePositionFromRelativePosition(anchorPos, binding.doc)
  const absoluteEnd = Y.createAbsolutePositionFromRelativePosition(focusPos, binding.doc)
  if (!absoluteStart || !absoluteEnd || isInDeletedType(absoluteStart.type) || isInDeletedType(absoluteEnd.type)) return null
  let points: ReturnType<typeof $getAnchorAndFocusForUserState>
  try {
    points = $getAnchorAndFocusForUserState(binding, { anchorPos, focusPos } as unknown as UserState)
  } catch {
    return null
  }
  const { anchorKey, anchorOffset, focusKey, focusOffset } = points
  if (anchorKey === null || focusKey === null) return null
  const anchorNode = $getNodeByKey(anchorKey)
  const focusNode = $getNodeByKey(focusKey)
  if (!anchorNode || !focusNode) return null
  const anchorType = $isTextNode(anchorNode) ? 'text' : 'element'
  const focusType = $isTextNode(focusNode) ? 'text' : 'element'
  const selection = $createRangeSelection()
  selection.anchor.set(anchorKey, anchorOffset, anchorType)
  selection.focus.set(focusKey, focusOffset, focusType)
  // The end moved before the start: everything between them was deleted.
  if (selection.isBackward()) return null
  const text = selection.getTextContent()
  if (text.trim() === '') return null
  const resolved: ResolvedAnchor = { anchorKey, anchorOffset, anchorType, focusKey, focusOffset, focusType, text }
  return quote && text !== quote ? ($extendToQuote(resolved, quote) ?? resolved) : resolved
}

/**
 * Lexical rewrites the tail of a text node when it splits it (bold on a word of the range, a
 * link): the characters the end was tied to are deleted and re-inserted as new nodes, and the
 * range would end at the split. When the block still reads the whole quote from the start, the
 * range extends to it; a range whose text was really deleted does not read the quote any more.
 */
function $extendToQuote(resolved: ResolvedAnchor, quote: string): ResolvedAnchor | null {
  if (resolved.anchorType !== 'text' || quote.includes('\n') || !quote.startsWith(resolved.text.trimEnd())) return null
  const startNode = $getNodeByKey(resolved.anchorKey)
  const block = startNode?.getTopLevelElement()
  if (!startNode || !$isElementNode(block)) return null
  const nodes = block.getAllTextNodes()
  let start = -1
  let blockText = ''
  for (const node of nodes) {
    if (node.getKey() === resolved.anchorKey) start = blockText.length + resolved.anchorOffset
    blockText += node.getTextContent()
  }
  if (start < 0 || !blockText.startsWith(quote, start)) return null
  let end = start + quote.length
  for (const node of nodes) {
    const size = node.getTextContentSize()
    if (end <= size) return { ...resolved, focusKey: node.getKey(), focusOffset: end, focusType: 'text', text: quote }
    end -= size
  }
  return null
}

function isInDeletedType(type: Y.AbstractType<unknown>): boolean {
  for (let item = type._item; item !== null; item = (item.parent as Y.AbstractType<unknown>)._item) {
    if (item.deleted) return true
  }
  return false
}

/** True when the bytes decode as a Yjs relative position (stored anchors are checked with this). */
export function isRelativePosition(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > 512) return false
  try {
    // Decoding is lenient; a real position re-encodes to exactly the same bytes.
    const again = Y.encodeRelativePosition(Y.decodeRelativePosition(bytes))
    return again.length === bytes.length && again.every((byte, i) => byte === bytes[i])
  } catch {
    return false
  }
}

/** Base64 for JSON transport of anchors (browser and Node alike). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
