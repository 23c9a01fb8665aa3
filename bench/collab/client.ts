/**
 * The load generator's client: y-websocket protocol spoken directly with y-protocols' message
 * layout over `ws` (one socket and one Y.Doc per client, no awareness, no provider timers), so a
 * thousand of them fit in the bench process. It syncs like y-websocket (sends step 1, answers the
 * server's step 1 with step 2, applies the server's step 2), then sends its own edits as update
 * messages. Updates relayed from peers are NOT applied by default (that would spend the bench's
 * CPU, shared with the servers on this machine): only the id of their first struct
 * (client:clock) is read to time their arrival. MESSAGE_SAVED (Accord) acks are counted.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import { EMPTY_PARAGRAPH_ATTRIBUTES } from '#app/document/repair.ts'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
/** Accord's extension (app/document/protocol.ts): varUint count of committed changes. */
export const MESSAGE_SAVED = 100
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
const REMOTE = Symbol('remote')

export interface Target {
  kind: 'accord' | 'reference' | 'hocuspocus'
  /** ws://127.0.0.1:PORT/collab (room appended). */
  serverUrl: string
  /** Several instances: the instance a room's clients connect to (a load balancer hashing on the room). */
  serverUrlFor?: (room: string) => string
  headers: Record<string, string>
}

export interface CloseRecord {
  kind: string
  code: number
  reason: string
  at: number
}

/** Every close of a bench socket the bench did not ask for. */
export const unexpectedCloses: CloseRecord[] = []

export function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, UPDATE)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

/** client:clock of the first struct of a V1 update (the key of a keystroke). */
export function firstStructKey(update: Uint8Array): { client: number; clock: number } | null {
  const d = decoding.createDecoder(update)
  if (decoding.readVarUint(d) === 0) return null
  decoding.readVarUint(d)
  const client = decoding.readVarUint(d)
  const clock = decoding.readVarUint(d)
  return { client, clock }
}

/**
 * Calls `each` with the key of every character an update carries (other clients' only). One
 * keystroke per message (the usual case) is read from the header; a message with several structs
 * (Accord relays what another instance committed as one merged update) is decoded in full. One
 * struct is taken as one keystroke: a single struct that merged one client's consecutive
 * keystrokes would be counted once (not seen at 5 keystrokes/s per writer).
 */
export function forEachKey(update: Uint8Array, self: number, each: (key: number) => void) {
  const d = decoding.createDecoder(update)
  const clients = decoding.readVarUint(d)
  if (clients === 0) return
  const structs = decoding.readVarUint(d)
  if (clients === 1 && structs === 1) {
    const client = decoding.readVarUint(d)
    if (client !== self) each(keyOf(client, decoding.readVarUint(d)))
    return
  }
  for (const s of Y.decodeUpdate(update).structs) {
    if (s.id.client === self) continue
    for (let c = s.id.clock; c < s.id.clock + s.length; c++) each(keyOf(s.id.client, c))
  }
}

/** Unique while clock < 2^21 (client ids are uint32, so the result stays below 2^53). */
export const keyOf = (client: number, clock: number) => client * 2_097_152 + clock

/** The first paragraph (Lexical's ParagraphNode = XmlText embed in root), or null. */
export function firstParagraph(doc: Y.Doc): Y.XmlText | null {
  const root = doc.get('root', Y.XmlText)
  for (const op of root.toDelta() as { insert: unknown }[]) if (op.insert instanceof Y.XmlText) return op.insert
  return null
}

/** Adds Lexical's empty paragraph to an empty root (what Accord seeds on the server). */
export function ensureParagraph(doc: Y.Doc): Y.XmlText {
  const existing = firstParagraph(doc)
  if (existing) return existing
  const p = new Y.XmlText()
  doc.transact(() => {
    doc.get('root', Y.XmlText).insertEmbed(0, p)
    for (const [k, v] of Object.entries(EMPTY_PARAGRAPH_ATTRIBUTES)) p.setAttribute(k, v as never)
  })
  return p
}

/** Lexical's TextNode: a Y.Map of properties embedded in the paragraph, followed by its characters. */
export function textNodeMap(): Y.Map<unknown> {
  const m = new Y.Map<unknown>()
  for (const [k, v] of Object.entries({ __type: 'text', __format: 0, __style: '', __mode: 0, __detail: 0 })) m.set(k, v)
  return m
}

export interface ClientHooks {
  /** A peer's update arrived (first struct's key). */
  onRemote?: (key: number, now: number) => void
  /** The server acknowledged change #index (1-based, own numbering) as committed. */
  onCommitted?: (index: number, now: number) => void
}

export class LightClient {
  readonly doc = new Y.Doc()
  readonly ws: WebSocket
  readonly opened: Promise<void>
  readonly synced: Promise<void>
  /** Latest MESSAGE_SAVED count (Accord). */
  saved = 0
  /** Document-changing messages sent (sync step 2 + updates), as Accord counts them. */
  changesSent = 0
  closed: { code: number; reason: string } | null = null
  applyRemote = false
  hooks: ClientHooks = {}
  private outbox: Uint8Array[] = []
  private paragraph: Y.XmlText | null = null
  private closing = false
  private awarenessClock = 0
  private awarenessWaiters: (() => void)[] = []
  private resolveSynced!: () => void
  private rejectSynced!: (e: Error) => void

  constructor(
    readonly target: Target,
    readonly room: string,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.outbox.push(update)
    })
    this.synced = new Promise((resolve, reject) => {
      this.resolveSynced = resolve
      this.rejectSynced = reject
    })
    this.synced.catch(() => {})
    this.ws = new WebSocket(`${target.serverUrlFor?.(room) ?? target.serverUrl}/${room}`, {
      headers: target.headers,
      perMessageDeflate: false,
    })
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        const e = encoding.createEncoder()
        encoding.writeVarUint(e, MESSAGE_SYNC)
        encoding.writeVarUint(e, STEP1)
        encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc))
        this.ws.send(encoding.toUint8Array(e))
        resolve()
      })
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)))
      this.ws.once('error', (err) => reject(err))
      this.ws.once('close', (code, reason) => reject(new Error(`closed before open: ${code} ${reason.toString()}`)))
    })
    this.opened.catch(() => {})
    this.ws.on('error', () => {})
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      this.rejectSynced(new Error(`closed: ${code} ${reason.toString()}`))
      if (!this.closing) unexpectedCloses.push({ kind: target.kind, code, reason: reason.toString(), at: Date.now() })
    })
    this.ws.on('message', (data: Buffer) => this.onMessage(data))
  }

  private onMessage(data: Buffer) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    const d = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(d)
    if (type === MESSAGE_SYNC) {
      const step = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (step === STEP1) {
        const e = encoding.createEncoder()
        encoding.writeVarUint(e, MESSAGE_SYNC)
        encoding.writeVarUint(e, STEP2)
        encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, payload))
        this.ws.send(encoding.toUint8Array(e))
        this.changesSent++
      } else if (step === STEP2) {
        Y.applyUpdate(this.doc, payload, REMOTE)
        this.resolveSynced()
      } else if (step === UPDATE) {
        const now = performance.now()
        if (this.applyRemote) Y.applyUpdate(this.doc, payload, REMOTE)
        // The reference echoes an update to its sender too: not an arrival.
        if (this.hooks.onRemote) forEachKey(payload, this.doc.clientID, (key) => this.hooks.onRemote!(key, now))
      }
    } else if (type === MESSAGE_AWARENESS) {
      const waiters = this.awarenessWaiters
      this.awarenessWaiters = []
      for (const w of waiters) w()
    } else if (type === MESSAGE_SAVED) {
      const count = decoding.readVarUint(d)
      const now = performance.now()
      if (this.hooks.onCommitted) for (let i = this.saved + 1; i <= count; i++) this.hooks.onCommitted(i, now)
      if (count > this.saved) this.saved = count
    }
  }

  /** Runs `edit` in one transaction and returns the update it produced (not sent). */
  edit(edit: (doc: Y.Doc) => void): Uint8Array | null {
    this.doc.transact(() => edit(this.doc))
    const out = this.outbox.length === 1 ? this.outbox[0]! : this.outbox.length > 1 ? Y.mergeUpdates(this.outbox) : null
    this.outbox = []
    return out
  }

  /**
   * One keystroke: a 1-character insert at the end of this client's own view of the first
   * paragraph (the first one also creates its Lexical text node). Returns the keystroke's key and
   * its encoded message, ready to send (or to keep, for pre-generated load).
   */
  keystroke(char = 'x'): { key: number; message: Uint8Array } {
    this.paragraph ??= firstParagraph(this.doc) ?? ensureParagraph(this.doc)
    const p = this.paragraph
    const key = keyOf(this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID))
    const update = this.edit(() => {
      if (p.length === 0) p.insertEmbed(0, textNodeMap())
      p.insert(p.length, char)
    })
    return { key, message: updateMessage(update!) }
  }

  /** Sends a document-changing message; returns its change index (what MESSAGE_SAVED counts). */
  sendChange(message: Uint8Array): number {
    this.ws.send(message)
    return ++this.changesSent
  }

  sendUpdate(update: Uint8Array): number {
    return this.sendChange(updateMessage(update))
  }

  /**
   * Resolves once the server has handled everything sent before: messages are handled in order,
   * and the server answers an awareness query (Accord) or relays our awareness change back to
   * everyone including us (the reference ignores queries but echoes awareness).
   */
  roundTrip(timeoutMs = 30000): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.awarenessWaiters.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
      if (this.target.kind === 'accord') {
        this.ws.send(Uint8Array.of(3))
      } else {
        this.awarenessClock++
        const inner = encoding.createEncoder()
        encoding.writeVarUint(inner, 1)
        encoding.writeVarUint(inner, this.doc.clientID)
        encoding.writeVarUint(inner, this.awarenessClock)
        encoding.writeVarString(inner, JSON.stringify({ bench: this.awarenessClock }))
        const e = encoding.createEncoder()
        encoding.writeVarUint(e, MESSAGE_AWARENESS)
        encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
        this.ws.send(encoding.toUint8Array(e))
      }
    })
  }

  close() {
    this.closing = true
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000)
    this.doc.destroy()
  }

  /** Waits until the socket is gone (after close()). */
  async gone(timeoutMs = 5000): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    await Promise.race([new Promise((r) => this.ws.once('close', r)), new Promise((r) => setTimeout(r, timeoutMs))])
  }
}

/** Opens a client and waits for its first sync (bounded). */
export async function connectClient(target: Target, room: string, timeoutMs = 30000): Promise<LightClient> {
  if (target.kind === 'hocuspocus') {
    // Its own provider, with the same surface the scenarios use (see hocus-client.ts).
    const { connectHocus } = await import('./hocus-client.ts')
    return (await connectHocus(target, room, timeoutMs)) as unknown as LightClient
  }
  const c = new LightClient(target, room)
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      (async () => {
        await c.opened
        await c.synced
      })(),
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
