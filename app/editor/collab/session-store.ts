import { createContext, useContext, useSyncExternalStore } from 'react'

/**
 * The page-level view of one open narrative: connection, save state, who is here, the outline.
 * It is SSR safe (no Yjs or DOM here): `NarrativePage` creates it while rendering on the server
 * and in the browser, and the client-only editor (provider + plugins) writes into it once mounted.
 */

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'refused'
export type SaveState = 'saved' | 'saving' | 'offline-unsaved'

export interface Peer {
  /** Yjs client id of one of this person's connections (a person with two tabs is listed once). */
  clientId: number
  userId: string
  name: string
  color: string
  isSelf: boolean
}

export interface OutlineEntry {
  /** Lexical node key of the heading; null while showing the server-derived outline before mount. */
  key: string | null
  level: number
  text: string
}

/** Why the server closed the socket for good (44xx), shown instead of the connection indicator. */
export interface Refusal {
  code: number
  title: string
  detail: string
  action: { label: string; href: string } | null
}

export interface SessionSnapshot {
  connection: ConnectionState
  save: SaveState
  /** True once the first sync with the server completed (the document's text is here). */
  synced: boolean
  peers: Peer[]
  outline: OutlineEntry[]
  refusal: Refusal | null
  /** A passing problem worth telling (rate limited, a change too large); cleared on reconnect. */
  notice: string | null
  /** Bumped when the server closed with 4205 (permissions changed): the page reloads its data. */
  permissionsChanged: number
}

export class EditorSession {
  private snapshot: SessionSnapshot
  private readonly listeners = new Set<() => void>()
  private headingScroller: ((key: string) => void) | null = null

  constructor(initial: Partial<SessionSnapshot> = {}) {
    this.snapshot = {
      connection: 'connecting',
      save: 'saved',
      synced: false,
      peers: [],
      outline: [],
      refusal: null,
      notice: null,
      permissionsChanged: 0,
      ...initial,
    }
  }

  getSnapshot = (): SessionSnapshot => this.snapshot

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Shallow-merges `patch`; listeners run only when a field really changed (by identity). */
  update(patch: Partial<SessionSnapshot>): void {
    let changed = false
    for (const key of Object.keys(patch) as (keyof SessionSnapshot)[]) {
      if (patch[key] !== this.snapshot[key]) changed = true
    }
    if (!changed) return
    this.snapshot = { ...this.snapshot, ...patch }
    for (const listener of this.listeners) listener()
  }

  /** The editor registers how to reveal a heading; the outline panel calls `scrollToHeading`. */
  setHeadingScroller(scroller: ((key: string) => void) | null): void {
    this.headingScroller = scroller
  }

  scrollToHeading(key: string): void {
    this.headingScroller?.(key)
  }
}

export const EditorSessionContext = createContext<EditorSession | null>(null)

export function useEditorSession(): EditorSession {
  const session = useContext(EditorSessionContext)
  if (!session) throw new Error('useEditorSession must be used inside <EditorSessionContext.Provider>')
  return session
}

/** The whole snapshot; cheap, since the snapshot object only changes when a field changes. */
export function useSessionSnapshot(): SessionSnapshot {
  const session = useEditorSession()
  return useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot)
}

/** 'saved' only when the server acknowledged every local change as durably committed. */
export function useSaveState(): SaveState {
  return useSessionSnapshot().save
}

export function useConnectionState(): ConnectionState {
  return useSessionSnapshot().connection
}

export function usePeers(): Peer[] {
  return useSessionSnapshot().peers
}

export function useOutline(): OutlineEntry[] {
  return useSessionSnapshot().outline
}
