// Anchoring under concurrent edits, with real Y.Docs bound to headless Lexical editors exactly as
// CollaborationPlugin binds the browser's editor. Two peers edit while a third reads the anchor.
import type { Binding } from '@lexical/yjs'
import {
  $createParagraphNode,
  $createRangeSelection,
  $createTextNode,
  $getRoot,
  $isElementNode,
  type ElementNode,
  type LexicalEditor,
  type TextNode,
} from 'lexical'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindEditor } from '#app/document/lexical.ts'
import { $encodeSelection, $resolveAnchor, fromBase64, isRelativePosition, toBase64, type EncodedAnchor } from './anchors.ts'

interface Peer {
  doc: Y.Doc
  editor: LexicalEditor
  binding: Binding
}
const peers: Peer[] = []
afterEach(() => {
  for (const peer of peers.splice(0)) peer.doc.destroy()
})

/** A headless editor bound to its own doc exactly as the browser's CollaborationPlugin binds. */
function peer(): Peer {
  const doc = new Y.Doc()
  const { editor, binding } = bindEditor(doc)
  const p = { doc, editor, binding }
  peers.push(p)
  return p
}

function flush(p: Peer) {
  p.editor.update(() => {}, { discrete: true })
}

/** Exchanges updates both ways, as two clients behind the server eventually do. */
function sync(a: Peer, b: Peer) {
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)))
  Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)))
  flush(a)
  flush(b)
}

const SENTENCE = 'Pipeline grows when sales and marketing share one revenue goal.'

/** Two synced peers with three paragraphs; the middle one holds SENTENCE. */
function setup() {
  const a = peer()
  const b = peer()
  a.editor.update(
    () => {
      for (const text of ['Summary', SENTENCE, 'Risks follow.']) $getRoot().append($createParagraphNode().append($createTextNode(text)))
    },
    { discrete: true },
  )
  sync(a, b)
  return { a, b }
}

function middleText(): TextNode {
  const paragraph = $getRoot().getChildAtIndex(1)
  if (!$isElementNode(paragraph)) throw new Error('no paragraph')
  return paragraph.getFirstChild() as TextNode
}

/** Anchors "sales and marketing" in the middle paragraph, as selected in `p`'s editor. */
function anchorPhrase(p: Peer, phrase = 'sales and marketing'): EncodedAnchor {
  let encoded: EncodedAnchor | null = null
  p.editor.update(
    () => {
      const node = middleText()
      const from = node.getTextContent().indexOf(phrase)
      const selection = $createRangeSelection()
      selection.anchor.set(node.getKey(), from, 'text')
      selection.focus.set(node.getKey(), from + phrase.length, 'text')
      encoded = $encodeSelection(p.binding, selection)
    },
    { discrete: true },
  )
  if (!encoded) throw new Error('not anchored')
  return encoded
}

/** What the anchor covers in a fresh client that loads the merged document (the browser's view). */
function resolveInFreshClient(source: Peer, anchor: EncodedAnchor) {
  const reader = peer()
  Y.applyUpdate(reader.doc, Y.encodeStateAsUpdate(source.doc))
  flush(reader)
  return reader.editor.getEditorState().read(() => $resolveAnchor(reader.binding, anchor.start, anchor.end, anchor.quote)?.text ?? null)
}

function edit(p: Peer, $change: (node: TextNode) => void) {
  p.editor.update(() => $change(middleText()), { discrete: true })
}

describe('comment anchors (Yjs relative positions)', () => {
  it('encodes a selection with its quote and resolves it unchanged', () => {
    const { a } = setup()
    const anchor = anchorPhrase(a)
    expect(anchor.quote).toBe('sales and marketing')
    expect(isRelativePosition(anchor.start) && isRelativePosition(anchor.end)).toBe(true)
    expect(fromBase64(toBase64(anchor.start))).toEqual(anchor.start)
    expect(resolveInFreshClient(a, anchor)).toBe('sales and marketing')
  })

  it('stays on its text when another peer inserts before it, concurrently with an edit after it', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    edit(b, (node) => node.spliceText(0, 0, 'In FY27, ', false))
    edit(a, (node) => node.spliceText(node.getTextContentSize() - 1, 0, ' and its targets', false))
    sync(a, b)
    expect(a.editor.getEditorState().read(() => middleText().getTextContent())).toBe(
      'In FY27, Pipeline grows when sales and marketing share one revenue goal and its targets.',
    )
    expect(resolveInFreshClient(a, anchor)).toBe('sales and marketing')
    expect(resolveInFreshClient(b, anchor)).toBe('sales and marketing')
  })

  it('does not grow with text typed right before or right after the range', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    // Two separate edits (Lexical diffs one update of a text node as one replaced region).
    edit(b, (node) => {
      const text = node.getTextContent()
      node.spliceText(text.indexOf('sales and marketing') + 'sales and marketing'.length, 0, ' teams', false)
    })
    edit(b, (node) => node.spliceText(node.getTextContent().indexOf('sales'), 0, 'both ', false))
    sync(a, b)
    expect(a.editor.getEditorState().read(() => middleText().getTextContent())).toContain('both sales and marketing teams')
    expect(resolveInFreshClient(a, anchor)).toBe('sales and marketing')
  })

  it('grows with text inserted inside the range', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    edit(b, (node) => node.spliceText(node.getTextContent().indexOf(' and marketing'), 0, ', finance', false))
    sync(a, b)
    expect(resolveInFreshClient(a, anchor)).toBe('sales, finance and marketing')
  })

  it('shrinks to what is left when a deletion overlaps its start (delete around)', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    // "when sales " is deleted: the range keeps "and marketing".
    edit(b, (node) => node.spliceText(node.getTextContent().indexOf('when sales '), 'when sales '.length, '', false))
    sync(a, b)
    expect(resolveInFreshClient(a, anchor)).toBe('and marketing')
  })

  it('survives a formatting change that splits its text node', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    edit(b, (node) => {
      const from = node.getTextContent().indexOf('and')
      const [, middle] = node.splitText(from, from + 3)
      middle?.toggleFormat('bold')
    })
    sync(a, b)
    expect(resolveInFreshClient(a, anchor)).toBe('sales and marketing')
  })

  it('resolves to nothing once its text is deleted (the thread keeps the quote as "text removed")', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    edit(b, (node) => node.spliceText(node.getTextContent().indexOf('when'), 'when sales and marketing share'.length, '', false))
    // Concurrently, a types elsewhere in the same paragraph.
    edit(a, (node) => node.spliceText(0, 0, 'Today: ', false))
    sync(a, b)
    expect(a.editor.getEditorState().read(() => middleText().getTextContent())).toBe('Today: Pipeline grows  one revenue goal.')
    expect(resolveInFreshClient(a, anchor)).toBeNull()
    expect(anchor.quote).toBe('sales and marketing')
  })

  it('resolves to nothing when the whole paragraph is deleted', () => {
    const { a, b } = setup()
    const anchor = anchorPhrase(a)
    b.editor.update(() => $getRoot().getChildAtIndex(1)?.remove(), { discrete: true })
    sync(a, b)
    expect(resolveInFreshClient(a, anchor)).toBeNull()
  })

  it('spans paragraphs', () => {
    const { a } = setup()
    let anchor: EncodedAnchor | null = null
    a.editor.update(
      () => {
        const first = ($getRoot().getChildAtIndex(0) as ElementNode).getFirstChild() as TextNode
        const second = middleText()
        const selection = $createRangeSelection()
        selection.anchor.set(first.getKey(), 3, 'text')
        selection.focus.set(second.getKey(), 8, 'text')
        anchor = $encodeSelection(a.binding, selection)
      },
      { discrete: true },
    )
    expect(resolveInFreshClient(a, anchor!)).toBe('mary\nPipeline')
  })

  it('refuses bytes that are not a relative position', () => {
    expect(isRelativePosition(new Uint8Array([255, 255, 255]))).toBe(false)
    expect(isRelativePosition(new Uint8Array(0))).toBe(false)
  })
})
