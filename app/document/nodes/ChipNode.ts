import {
  $applyNodeReplacement,
  TextNode,
  type DOMConversionMap,
  type DOMConversionOutput,
  type DOMExportOutput,
  type EditorConfig,
  type LexicalNode,
  type LexicalUpdateJSON,
  type NodeKey,
  type SerializedTextNode,
  type Spread,
} from 'lexical'

/** What a chip points at: an inventory capability or system, or a metric of the dictionary. */
export type ChipKind = 'capability' | 'system' | 'metric'
export const CHIP_KINDS: readonly ChipKind[] = ['capability', 'system', 'metric']

/** A chip as the server reads it from the document: kind, id (metrics: key too) and the label typed. */
export interface ChipRef {
  kind: ChipKind
  /** The capability's, system's or metric's id (uuid). */
  refId: string
  /** Metrics only: the metric key (`pipeline`); '' otherwise. */
  refKey: string
  label: string
}

export type SerializedChipNode = Spread<{ chipKind: ChipKind; refId: string; refKey: string }, SerializedTextNode>

const isChipKind = (value: unknown): value is ChipKind => CHIP_KINDS.includes(value as ChipKind)

/**
 * A live reference in the text: `#Multi-touch attribution`, `#Marketo`, `$Pipeline`. A TextNode in
 * token mode (deleted as a whole, never merged with its neighbours, its text is the label) rather
 * than a DecoratorNode: it needs no React, so this file serves the server's headless editor as it
 * is, the label stays part of the document's plain text (search, excerpt), and the Yjs binding syncs
 * it like any text. Its live status (feasibility, metric value) is painted on the DOM element by
 * the browser's ChipStatusPlugin; nothing live is stored in the document.
 *
 * Every property is assigned in the constructor, with defaults: @lexical/yjs discovers what to sync
 * from `new ChipNode()` without arguments, and a property missing there never reaches other peers.
 */
export class ChipNode extends TextNode {
  __chipKind: ChipKind
  __refId: string
  __refKey: string

  static getType(): string {
    return 'chip'
  }

  static clone(node: ChipNode): ChipNode {
    return new ChipNode(node.__chipKind, node.__refId, node.__refKey, node.__text, node.__key)
  }

  constructor(kind: ChipKind = 'capability', refId = '', refKey = '', label = '', key?: NodeKey) {
    super(label, key)
    this.__chipKind = kind
    this.__refId = refId
    this.__refKey = refKey
  }

  static importJSON(json: SerializedChipNode): ChipNode {
    return $createChipNode({ kind: 'capability', refId: '', refKey: '', label: json.text }).updateFromJSON(json)
  }

  updateFromJSON(json: LexicalUpdateJSON<SerializedChipNode>): this {
    const node = super.updateFromJSON(json)
    const writable = node.getWritable()
    writable.__chipKind = isChipKind(json.chipKind) ? json.chipKind : 'capability'
    writable.__refId = typeof json.refId === 'string' ? json.refId : ''
    writable.__refKey = typeof json.refKey === 'string' ? json.refKey : ''
    return writable
  }

  exportJSON(): SerializedChipNode {
    return { ...super.exportJSON(), chipKind: this.__chipKind, refId: this.__refId, refKey: this.__refKey }
  }

  createDOM(config: EditorConfig): HTMLElement {
    const dom = super.createDOM(config)
    dom.classList.add('ref-chip', `ref-chip-${this.__chipKind}`)
    dom.dataset.chipKind = this.__chipKind
    dom.dataset.refId = this.__refId
    if (this.__refKey) dom.dataset.refKey = this.__refKey
    dom.spellcheck = false
    return dom
  }

  updateDOM(prevNode: this, dom: HTMLElement, config: EditorConfig): boolean {
    // A different target is a different chip: recreate the element (the status plugin repaints it).
    if (prevNode.__chipKind !== this.__chipKind || prevNode.__refId !== this.__refId) return true
    return super.updateDOM(prevNode, dom, config)
  }

  exportDOM(): DOMExportOutput {
    const element = document.createElement('span')
    element.className = `ref-chip ref-chip-${this.__chipKind}`
    element.dataset.chipKind = this.__chipKind
    element.dataset.refId = this.__refId
    if (this.__refKey) element.dataset.refKey = this.__refKey
    element.textContent = this.__text
    return { element }
  }

  static importDOM(): DOMConversionMap | null {
    return {
      span: (domNode: HTMLElement) => {
        if (!domNode.dataset.chipKind || !domNode.dataset.refId) return null
        return { conversion: convertChipElement, priority: 2 }
      },
    }
  }

  getChipRef(): ChipRef {
    const self = this.getLatest()
    return { kind: self.__chipKind, refId: self.__refId, refKey: self.__refKey, label: self.__text }
  }

  // A chip is one token: typing at its edges starts a new text node instead of editing the label.
  canInsertTextBefore(): boolean {
    return false
  }

  canInsertTextAfter(): boolean {
    return false
  }

  isTextEntity(): true {
    return true
  }
}

function convertChipElement(domNode: HTMLElement): DOMConversionOutput {
  const kind = domNode.dataset.chipKind
  const text = domNode.textContent ?? ''
  if (!isChipKind(kind) || !domNode.dataset.refId || !text) return { node: null }
  return { node: $createChipNode({ kind, refId: domNode.dataset.refId, refKey: domNode.dataset.refKey ?? '', label: text }) }
}

/** A chip for `ref`, in token mode (selected, deleted and moved as a whole). */
export function $createChipNode(ref: ChipRef): ChipNode {
  return $applyNodeReplacement(new ChipNode(ref.kind, ref.refId, ref.refKey, ref.label).setMode('token'))
}

export function $isChipNode(node: LexicalNode | null | undefined): node is ChipNode {
  return node instanceof ChipNode
}
