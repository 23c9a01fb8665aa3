import { useSyncExternalStore } from 'react'

/** A thread as the editor needs it to draw its highlight. */
export interface AnchoredThread {
  id: string
  anchorStart: string
  anchorEnd: string
  quote: string
  resolved: boolean
}

/** A selection the person may comment on: anchors (base64) and the quoted text. */
export interface PendingRange {
  anchorStart: string
  anchorEnd: string
  quote: string
}

interface Snapshot {
  /** Open threads to highlight (resolved ones are not drawn). */
  threads: AnchoredThread[]
  /** Thread id → its order in the document, or null when its text was removed. */
  placement: Record<string, number | null>
  /** The selection a new comment would anchor to (null when nothing is selected). */
  selection: PendingRange | null
  /** The range the composer is writing about (set by "Comment" on a selection). */
  draft: PendingRange | null
  activeThreadId: string | null
  /** Incremented to ask the panel to show the Comments tab. */
  openPanel: number
}

/**
 * The bridge between the narrative page (the Comments tab, outside Lexical) and the editor's
 * CommentsPlugin (inside it): threads go in, placements and selections come out.
 */
export class CommentsStore {
  private snapshot: Snapshot = { threads: [], placement: {}, selection: null, draft: null, activeThreadId: null, openPanel: 0 }
  private listeners = new Set<() => void>()
  /** Set by the plugin: scrolls a thread's text into view. */
  revealThread: (id: string) => void = () => {}
  /** Set by the plugin: puts keyboard focus back in the text (a draft cancelled with Escape). */
  focusText: () => void = () => {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  getSnapshot = () => this.snapshot

  update(patch: Partial<Snapshot>) {
    const next = { ...this.snapshot, ...patch }
    if ((Object.keys(patch) as (keyof Snapshot)[]).every((k) => shallowEqual(next[k], this.snapshot[k]))) return
    this.snapshot = next
    for (const listener of this.listeners) listener()
  }

  startDraft() {
    const { selection, openPanel } = this.snapshot
    if (selection) this.update({ draft: selection, activeThreadId: null, openPanel: openPanel + 1 })
  }

  activate(id: string | null, fromText = false) {
    this.update({ activeThreadId: id, ...(fromText && id ? { openPanel: this.snapshot.openPanel + 1 } : {}) })
  }
}

function shallowEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
}

export function useCommentsSnapshot(store: CommentsStore) {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot)
}
