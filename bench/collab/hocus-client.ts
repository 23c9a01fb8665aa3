/**
 * A bench client for Hocuspocus, driven by its own provider (@hocuspocus/provider, one socket per
 * client as separate people would have). It offers what the load scenarios use of LightClient:
 * keystrokes are made in the provider's document (the provider sends them), arrivals are timed
 * from the provider's remote updates (which it applies: a cost the light clients do not pay).
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import {
  ensureParagraph,
  firstParagraph,
  firstStructKey,
  keyOf,
  textNodeMap,
  unexpectedCloses,
  type ClientHooks,
  type Target,
} from './client.ts'

const EMPTY = new Uint8Array(0)

class NodeWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: false })
  }
}

export class HocusClient {
  readonly doc = new Y.Doc()
  readonly socket: HocuspocusProviderWebsocket
  readonly provider: HocuspocusProvider
  readonly synced: Promise<void>
  saved = 0
  changesSent = 0
  closed: { code: number; reason: string } | null = null
  hooks: ClientHooks = {}
  private paragraph: Y.XmlText | null = null
  private closing = false

  constructor(
    readonly target: Target,
    readonly room: string,
  ) {
    this.socket = new HocuspocusProviderWebsocket({ url: target.serverUrl, WebSocketPolyfill: NodeWebSocket, maxAttempts: 1 })
    this.provider = new HocuspocusProvider({ websocketProvider: this.socket, name: room, document: this.doc })
    this.provider.attach()
    this.synced = new Promise((resolve, reject) => {
      this.provider.on('synced', () => resolve())
      this.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
        this.closed = { code: event.code, reason: event.reason }
        reject(new Error(`closed: ${event.code}`))
        if (!this.closing) unexpectedCloses.push({ kind: target.kind, code: event.code, reason: event.reason, at: Date.now() })
      })
    })
    this.synced.catch(() => {})
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.provider) return
      const now = performance.now()
      const first = firstStructKey(update)
      if (first && first.client !== this.doc.clientID) this.hooks.onRemote?.(keyOf(first.client, first.clock), now)
    })
  }

  /** Runs `edit` in one transaction (the provider sends it); returns nothing to send. */
  edit(edit: (doc: Y.Doc) => void): Uint8Array | null {
    this.doc.transact(() => edit(this.doc))
    return null
  }

  keystroke(char = 'x'): { key: number; message: Uint8Array } {
    this.paragraph ??= firstParagraph(this.doc) ?? ensureParagraph(this.doc)
    const p = this.paragraph
    const key = keyOf(this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID))
    this.doc.transact(() => {
      if (p.length === 0) p.insertEmbed(0, textNodeMap())
      p.insert(p.length, char)
    })
    return { key, message: EMPTY }
  }

  /** The change went out with keystroke()/edit(): count it. */
  sendChange(_message: Uint8Array): number {
    return ++this.changesSent
  }

  sendUpdate(update: Uint8Array | null): number {
    if (update) Y.applyUpdate(this.doc, update)
    return ++this.changesSent
  }

  /** Resolves once the server has acknowledged every change (the provider's unsynced count is 0). */
  async roundTrip(timeoutMs = 30000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.provider.hasUnsyncedChanges) {
      if (Date.now() > deadline || this.closed) return false
      await new Promise((r) => setTimeout(r, 5))
    }
    return true
  }

  close() {
    this.closing = true
    this.provider.destroy()
    this.socket.destroy()
    this.doc.destroy()
  }

  async gone(): Promise<void> {}
}

export async function connectHocus(target: Target, room: string, timeoutMs = 30000): Promise<HocusClient> {
  const c = new HocusClient(target, room)
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      c.synced,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`sync timeout on ${room}`)), timeoutMs))),
    ])
  } catch (e) {
    c.close()
    throw e
  } finally {
    clearTimeout(timer)
  }
  return c
}
