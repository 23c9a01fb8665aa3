import type { WebSocket } from 'ws'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '#app/document/protocol.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import { log } from '#app/utils/log.ts'
import type { CollabDocument, Peer } from './document.ts'
import type { Limits } from './limits.ts'
import { RateGuard } from './rate.ts'
import { stampAwareness } from './awareness.ts'
import type { Role } from '#app/domain/policies.ts'
import type { Credentials } from '#app/utils/auth.server.ts'

const MESSAGE_AUTH = 2
const MESSAGE_QUERY_AWARENESS = 3

/** One websocket on one document: decodes y-websocket messages, enforces rights and limits. */
export class Connection implements Peer {
  received = 0
  acked = 0
  queuedRows = 0
  private readonly rate: RateGuard
  private closed = false
  private synced = false
  /** Set during shutdown: messages are ignored (clients keep and re-send them). */
  muted = false

  readonly user: { userId: string; name: string }
  readonly workspaceId: string
  readonly canWrite: boolean
  readonly followsDrafts: boolean
  /** What the upgrade authenticated with: the socket's rights are re-checked with it when they may have changed. */
  readonly credentials: Credentials
  /** The role awareness states are stamped with. */
  private readonly role: Role

  constructor(
    readonly ws: WebSocket,
    readonly doc: CollabDocument,
    rights: {
      user: { userId: string; name: string }
      workspaceId: string
      role: Role
      canWrite: boolean
      followsDrafts: boolean
      credentials: Credentials
    },
    private readonly limits: Limits,
  ) {
    this.user = rights.user
    this.workspaceId = rights.workspaceId
    this.role = rights.role
    this.canWrite = rights.canWrite
    this.followsDrafts = rights.followsDrafts
    this.credentials = rights.credentials
    this.rate = new RateGuard(limits.messagesPerSecond, limits.messageBurst, limits.rateCreditMs)
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    ws.on('close', () => this.onClose())
    ws.on('error', () => {
      // ws reports protocol violations (oversized or malformed frames) here and closes itself
      // with the matching code (1009, 1002); the close handler does the cleanup.
    })
    doc.addPeer(this)
  }

  send(message: Uint8Array) {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CloseCode.RetryLater, 'Too far behind')
      return
    }
    this.ws.send(message)
  }

  close(code: number, reason: string) {
    if (this.closed) return
    this.closed = true
    this.doc.removePeer(this)
    this.ws.close(code, reason)
  }

  /** Closes after a bad message, with one log line (never a stack trace per message). */
  private refuse(code: number, reason: string) {
    if (this.closed) return
    log.warn(`collab: closing ${this.user.userId} on narrative ${this.doc.id}: ${code} ${reason}`)
    this.close(code, reason)
  }

  private onClose() {
    this.closed = true
    this.doc.removePeer(this)
  }

  private onMessage(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
    if (this.closed || this.muted) return
    if (!this.rate.take()) return this.refuse(CloseCode.RateLimited, 'Too many messages')
    if (!isBinary) return this.refuse(CloseCode.ProtocolError, 'Binary messages only')
    // A copy of exactly the message: decoders then cannot read past its end into a shared buffer.
    const bytes = Array.isArray(raw) ? new Uint8Array(Buffer.concat(raw)) : new Uint8Array(raw)
    try {
      this.handle(bytes)
    } catch {
      this.refuse(CloseCode.InvalidData, 'Malformed message')
    }
  }

  private handle(bytes: Uint8Array) {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const step = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (step === syncProtocol.messageYjsSyncStep1) {
          Y.decodeStateVector(payload)
          // A peer that does not follow drafts gets the text once, as it is when it joins.
          if (!this.followsDrafts && this.synced) return
          this.synced = true
          this.send(this.doc.syncStep2For(payload))
        } else if (step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate) {
          // Read-only peers: dropped before anything parses or applies it.
          if (!this.canWrite) return this.doc.countNoop(this)
          const refusal = this.doc.applyPeerUpdate(this, payload)
          if (refusal) this.refuse(refusal.code, refusal.reason)
        } else {
          this.refuse(CloseCode.ProtocolError, `Unknown sync message ${step}`)
        }
        return
      }
      case MESSAGE_AWARENESS: {
        const payload = decoding.readVarUint8Array(decoder)
        if (payload.byteLength > this.limits.maxAwarenessBytes) return this.refuse(CloseCode.MessageTooBig, 'Awareness too large')
        const stamped = stampAwareness(payload, { ...this.user, role: this.role })
        if (!stamped || !this.doc.applyPeerAwareness(this, stamped)) this.refuse(CloseCode.InvalidData, 'Awareness does not decode')
        return
      }
      case MESSAGE_QUERY_AWARENESS:
        this.send(this.doc.awarenessMessage([...this.doc.awareness.getStates().keys()]))
        return
      case MESSAGE_AUTH:
        return
      default:
        this.refuse(CloseCode.ProtocolError, `Unknown message type ${type}`)
    }
  }
}
