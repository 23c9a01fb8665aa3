import * as Y from 'yjs'
import { WebsocketProvider, messageSync } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import type { Provider } from '@lexical/yjs'
import { CloseCode } from '#app/document/close-codes.ts'
import { MESSAGE_SAVED } from '#app/document/protocol.ts'
import type { EditorSession, Peer, Refusal, SaveState } from './session-store.ts'

// y-protocols sync message types (second varUint of a messageSync frame).
const SYNC_STEP_2 = 1
const SYNC_UPDATE = 2

/** How long to wait before trying again after the server said we sent too much (4429). */
const RATE_LIMIT_PAUSE_MS = 5_000

export interface NarrativeProviderOptions {
  session: EditorSession
  userId: string
  /** Readers and commenters: the server drops their updates, so there is nothing to save. Read
   * on every change, since rights can change while the page is open (4205). */
  isReadOnly: () => boolean
}

/** The browser's collaboration endpoint (same origin: the session cookie authenticates the upgrade). */
export function collabServerUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`
}

/**
 * Creates the y-websocket provider for one narrative, in the shape `CollaborationPlugin`'s
 * `providerFactory` expects: the Y.Doc is registered in `yjsDocMap` under `id`, and the provider
 * is created with `connect: false` because the plugin connects it itself after binding.
 *
 * Besides the stock protocol it (1) tracks which local changes the server has durably committed
 * (MESSAGE_SAVED acks) and publishes 'saved' | 'saving' | 'offline-unsaved', (2) maps close codes
 * to something a person can act on, (3) publishes who is here from awareness, and (4) follows the
 * browser's online/offline events, because an emulated or real network drop does not always close
 * an open WebSocket promptly (y-websocket's own watchdog waits 30 s).
 */
export function createNarrativeProvider(id: string, yjsDocMap: Map<string, Y.Doc>, options: NarrativeProviderOptions): Provider {
  const { session, userId, isReadOnly } = options
  let doc = yjsDocMap.get(id)
  if (doc === undefined) {
    doc = new Y.Doc()
    yjsDocMap.set(id, doc)
  } else {
    doc.load()
  }

  const tracker = new SaveTracker()
  let self: WebsocketProvider | null = null

  // Registered before the provider exists, so Yjs runs it before the provider's own 'update'
  // handler (observers fire in registration order): the change is counted before it is sent.
  // Everything not applied by the provider itself (Lexical's binding, the Yjs undo manager) is local.
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (self !== null && origin === self) return
    tracker.localChange()
    publishSave()
  })

  /**
   * Save tracking, the robust way: every frame the provider writes goes through this socket
   * class's `send` — updates while connected, the sync step 2 it answers the server's step 1 with
   * after (re)connecting (which carries everything typed offline), and resyncs. Counting there,
   * per socket, matches the server's definition of `count` exactly ("document-changing messages
   * this connection sent"), without re-implementing when the provider chooses to send.
   */
  class CountingWebSocket extends WebSocket {
    readonly saves = new SocketSaves()
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (data instanceof Uint8Array && isDocumentChange(data)) this.saves.sent(tracker.localSeq)
      super.send(data)
    }
  }

  const provider = new WebsocketProvider(collabServerUrl(), id, doc, {
    connect: false,
    // Tabs must not sync with each other behind the server's back: every change goes through
    // the server (authorization, durability), and tests can't pass by accident.
    disableBc: true,
    WebSocketPolyfill: CountingWebSocket,
  })
  self = provider
  const ws = (): CountingWebSocket | null => provider.ws as CountingWebSocket | null

  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    const socket = ws()
    if (socket === null) return
    tracker.acknowledged(socket.saves.acknowledge(decoding.readVarUint(decoder)))
    publishSave()
  }

  // Awareness carries `userId` at the top level (next to Lexical's `name` and `color`) so the
  // server and the avatars can tell people apart; Lexical replaces the whole local state on
  // init and focus changes, so the field is added on every write.
  const awareness = provider.awareness
  const setLocalState = awareness.setLocalState.bind(awareness)
  awareness.setLocalState = (state) => setLocalState(state === null ? null : { ...state, userId })

  let everConnected = false
  let refused = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  function connectionNow() {
    if (refused) return 'refused' as const
    if (provider.wsconnected) return 'connected' as const
    if (typeof navigator !== 'undefined' && !navigator.onLine) return 'offline' as const
    return everConnected ? ('reconnecting' as const) : ('connecting' as const)
  }

  function publishSave() {
    let save: SaveState = 'saved'
    if (!isReadOnly() && tracker.unsaved) save = provider.wsconnected ? 'saving' : 'offline-unsaved'
    session.update({ save })
  }

  function publishConnection() {
    session.update({ connection: connectionNow() })
    publishSave()
  }

  provider.on('status', ({ status }) => {
    if (status === 'connected') {
      everConnected = true
      session.update({ notice: null })
    }
    publishConnection()
  })
  provider.on('sync', (synced: boolean) => {
    if (synced) session.update({ synced: true })
  })
  provider.on('connection-close', (event) => {
    if (event === null) return
    if (event.code === CloseCode.RateLimited) {
      session.update({ notice: 'Paused for a moment: too many changes at once. Your text is kept and will be sent shortly.' })
    } else if (event.code === CloseCode.PermissionsChanged) {
      session.update({ permissionsChanged: session.getSnapshot().permissionsChanged + 1 })
    } else if (event.code === CloseCode.RetryLater) {
      // The server is busy (a reconnect storm after a restart): come back after a random pause
      // instead of in lockstep with every other client on the provider's fixed backoff.
      provider.disconnect()
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = setTimeout(
        () => {
          retryTimer = null
          if (!refused) provider.connect()
        },
        500 + Math.random() * 2500,
      )
    } else if (event.code === CloseCode.MessageTooBig) {
      session.update({ notice: 'The last change was too large to send in one go. Try pasting smaller parts.' })
    } else if (event.code === CloseCode.InvalidData) {
      // The server refused a change it will refuse again: reconnecting would resend it for ever.
      provider.disconnect()
      refused = true
      session.update({ refusal: refusalFor(event.code) })
      publishConnection()
    }
  })
  // 'closed' = the server closed with 4400–4499 and the provider stopped retrying.
  provider.on('closed', ({ code }) => {
    if (code === CloseCode.RateLimited) {
      // Not permanent: unsent edits stay in the doc and go out with the next sync step 2.
      retryTimer = setTimeout(() => {
        retryTimer = null
        provider.connect()
      }, RATE_LIMIT_PAUSE_MS)
      return
    }
    refused = true
    session.update({ refusal: refusalFor(code) })
    publishConnection()
  })

  const onOffline = () => {
    // Close now instead of waiting for the socket to time out; typing carries on locally.
    if (!refused) provider.disconnect()
    publishConnection()
  }
  const onOnline = () => {
    if (!refused) provider.connect()
    publishConnection()
  }
  window.addEventListener('offline', onOffline)
  window.addEventListener('online', onOnline)

  const publishPeers = () => session.update({ peers: peersFrom(awareness.getStates(), doc.clientID) })
  awareness.on('change', publishPeers)

  const destroy = provider.destroy.bind(provider)
  provider.destroy = () => {
    window.removeEventListener('offline', onOffline)
    window.removeEventListener('online', onOnline)
    if (retryTimer !== null) clearTimeout(retryTimer)
    awareness.off('change', publishPeers)
    destroy()
  }

  publishConnection()
  // y-websocket's awareness type is y-protocols' Awareness; Lexical's Provider describes the
  // same object with its own UserState shape.
  return provider as unknown as Provider
}

/** Local changes made so far against those known to be durable on the server. */
class SaveTracker {
  localSeq = 0
  savedSeq = 0
  localChange() {
    this.localSeq++
  }
  /** `seq`: the local changes covered by the messages the server just acknowledged. */
  acknowledged(seq: number) {
    if (seq > this.savedSeq) this.savedSeq = seq
  }
  get unsaved() {
    return this.savedSeq < this.localSeq
  }
}

/**
 * What one socket sent: the n-th document-changing message covers the local changes made before
 * it was sent. An ack of `count` therefore makes the changes covered by message `count` durable.
 * Messages sent on a socket that closes before their ack are simply re-covered by the next
 * socket's sync step 2, which carries every change the server does not have.
 */
class SocketSaves {
  private sentCount = 0
  private readonly pending: { index: number; seq: number }[] = []
  private ackedSeq = 0
  sent(localSeq: number) {
    this.sentCount++
    this.pending.push({ index: this.sentCount, seq: localSeq })
  }
  acknowledge(count: number): number {
    while (this.pending.length > 0 && this.pending[0]!.index <= count) {
      this.ackedSeq = Math.max(this.ackedSeq, this.pending.shift()!.seq)
    }
    return this.ackedSeq
  }
}

function isDocumentChange(frame: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(frame)
    if (decoding.readVarUint(decoder) !== messageSync) return false
    const type = decoding.readVarUint(decoder)
    return type === SYNC_STEP_2 || type === SYNC_UPDATE
  } catch {
    return false
  }
}

function peersFrom(states: Map<number, Record<string, unknown>>, selfClientId: number): Peer[] {
  const byUser = new Map<string, Peer>()
  for (const [clientId, state] of states) {
    const name = typeof state.name === 'string' ? state.name : null
    const peerUserId = typeof state.userId === 'string' ? state.userId : null
    if (name === null || peerUserId === null) continue
    const isSelf = clientId === selfClientId
    const existing = byUser.get(peerUserId)
    // One avatar per person, even with several tabs open; "you" wins so it is marked as such.
    if (existing && !(isSelf && !existing.isSelf)) continue
    byUser.set(peerUserId, {
      clientId,
      userId: peerUserId,
      name,
      color: typeof state.color === 'string' ? state.color : '#5f6b7a',
      isSelf: isSelf || existing?.isSelf === true,
    })
  }
  // You first, then others by name: a stable order that does not jump as people move their cursor.
  return [...byUser.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

function refusalFor(code: number): Refusal {
  switch (code) {
    case CloseCode.Unauthenticated:
      return {
        code,
        title: 'Signed out — sign in again',
        detail: 'Your session ended. Sign in again to keep editing; changes on this page are kept while it stays open.',
        action: { label: 'Sign in', href: `/login?redirectTo=${encodeURIComponent(location.pathname)}` },
      }
    case CloseCode.Forbidden:
      return {
        code,
        title: 'You no longer have access',
        detail: 'Your access to this narrative changed. Ask a workspace owner if you think this is a mistake.',
        action: { label: 'Back to narratives', href: '/narratives' },
      }
    case CloseCode.NotFound:
      return {
        code,
        title: 'This narrative is not available',
        detail: 'It was deleted or moved out of your workspaces.',
        action: { label: 'Back to narratives', href: '/narratives' },
      }
    case CloseCode.InvalidData:
      return {
        code,
        title: 'A change could not be saved',
        detail:
          'It holds content this narrative does not accept (such as styling pasted from another editor). Copy what you wrote since the last save, then reload.',
        action: null,
      }
    case CloseCode.DocumentTooLarge:
      return {
        code,
        title: 'This narrative is too large',
        detail: 'It reached the maximum size, so your latest changes could not be saved. Copy them somewhere safe, then reload.',
        action: null,
      }
    default:
      return {
        code,
        title: 'Disconnected',
        detail: 'The server closed the connection. Reload the page to continue.',
        action: null,
      }
  }
}
