import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Sql } from '#db/client.ts'
import { appendSeedUpdate, compactNarrativeLog, getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { updateNarrativeDerived, type Template } from '#db/queries/narratives.ts'
import { MESSAGE_AWARENESS, MESSAGE_SAVED, MESSAGE_SYNC } from '#app/document/protocol.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import { bus } from '#app/events/bus.ts'
import { log } from '#app/utils/log.ts'
import { buildTemplateUpdate, deriveContent } from '#app/document/content.ts'
import { checkDecodedUpdate } from '#app/document/update-check.ts'
import { syncNarrativeLinks } from '#app/services/narrative-links.server.ts'
import { noteNarrativeEdited } from '#app/services/reviews.server.ts'
import { storeCheckpoint } from '#app/services/versions.server.ts'
import { getLatestSeq } from '#db/queries/versions.ts'
import { foldNarrativeLogOffThread } from './fold.ts'
import type { Limits } from './limits.ts'
import type { Committer, CommitSource } from './committer.ts'

/** What the document needs from a connection: an identity, a way to send, and a way to close. */
export interface Peer {
  readonly user: { userId: string; name: string }
  readonly canWrite: boolean
  /**
   * False for a peer that may read only approved text (a reader on an approved narrative): it gets
   * the text as it was when it joined, never the live edits that make a new draft.
   */
  readonly followsDrafts: boolean
  /** Document-changing messages received (sync step 2 + update), in order. */
  received: number
  /** The count last reported to the client in MESSAGE_SAVED. */
  acked: number
  /** Rows of this peer waiting in the commit queue. */
  queuedRows: number
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}

interface QueuedUpdate {
  data: Uint8Array
  authorId: string | null
  peer: Peer | null
  /** The peer's `received` count once this update is committed. */
  index: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Origin of changes that came from another instance (never stored again, never re-published). */
export const REMOTE = Symbol('remote')

/** Origin of changes the server itself makes (a restore of an old version). */
const SERVER = Symbol('server')

/** Kinds of messages on a document's cross-instance channel. */
export const ClusterKind = {
  /** Updates committed by another instance: varUint count, then each update (V1). */
  Updates: 1,
  /** An awareness update received by another instance from its clients. */
  Awareness: 2,
  /** An instance opened the document: everyone re-sends its clients' awareness. */
  Hello: 3,
} as const

/** A document's channel to the other instances holding it (Redis pub/sub), when there are several. */
export interface DocChannel {
  /** Subscribes; the load awaits it before reading PostgreSQL, so nothing committed elsewhere is missed. */
  join(): Promise<void>
  publish(kind: number, payload: Uint8Array): void
  leave(): void
}

/** The narrative id, workspace and template a document is opened with. */
export interface DocumentInfo {
  id: string
  workspaceId: string
  template: Template
  seeded: boolean
}

/**
 * One open narrative: the authoritative Y.Doc (loaded from PostgreSQL before anyone syncs), its
 * awareness, its peers, the commit queue (group commit + MESSAGE_SAVED acks), compaction and the
 * derived-content job.
 */
export class CollabDocument implements CommitSource {
  readonly id: string
  readonly workspaceId: string
  readonly doc = new Y.Doc()
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Set<Peer>()
  /** Resolves once the stored document is in memory; rejects when loading failed. */
  readonly ready: Promise<void>
  /** Connections being set up (authorized, waiting for the load): they keep the document loaded. */
  joining = 0
  /** Which peer controls which awareness client ids. */
  private awarenessOwners = new Map<number, Peer>()
  private queue: QueuedUpdate[] = []
  /** Waiting for the queue to empty (flush). */
  private drained: (() => void)[] = []
  private logRows = 0
  private approxBytes = 0
  private compacting: Promise<void> | null = null
  private pendingOwner: Peer | null = null
  private appliesWhilePending = 0
  private derivedTimer: NodeJS.Timeout | null = null
  private dirtySince = 0
  private deriving: Promise<void> | null = null
  private unloadTimer: NodeJS.Timeout | null = null
  /** Set while a peer's update is applied: what it emitted, to store and relay once it succeeds. */
  private applying: { peer: Peer; emitted: Uint8Array[] } | null = null
  private destroyed = false
  /** The in-memory doc took part of a failed update: it must not be derived from or served. */
  private tainted = false
  /** Set when the document must not be used any more (reset or shut down). */
  closing = false
  /** The channel to other instances (null with one instance). */
  private readonly channel: DocChannel | null
  /** Cross-instance messages that arrived before the load finished. */
  private clusterBacklog: { kind: number; payload: Uint8Array }[] | null = []
  /** Set while changes from another instance are applied: what they emitted, to relay locally. */
  private remoteEmitted: Uint8Array[] | null = null
  /** Sync step 2 for an empty state vector, until the document changes. */
  private fullSyncMessage: Uint8Array | null = null
  private fullSyncTimer: NodeJS.Timeout | null = null
  /** Versions: when the last checkpoint was kept, whether the text changed since, and by whom. */
  private lastCheckpointAt = Date.now()
  private changedSinceCheckpoint = false
  private lastAuthorId: string | null = null
  private checkpointing: Promise<void> | null = null
  /** Where the load spent its time (ms): reading PostgreSQL, applying the stored state. */
  loadTiming: { readMs: number; applyMs: number } | null = null

  constructor(
    info: DocumentInfo,
    private readonly sql: Sql,
    private readonly limits: Limits,
    private readonly onIdle: (doc: CollabDocument) => void,
    private readonly committer: Committer,
    openChannel: ((doc: CollabDocument) => DocChannel) | null = null,
    private readonly admitLoad: <T>(load: () => Promise<T>) => Promise<T> = (load) => load(),
  ) {
    this.id = info.id
    this.workspaceId = info.workspaceId
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
    this.doc.on('update', this.onDocUpdate)
    this.channel = openChannel?.(this) ?? null
    this.ready = this.admitLoad(() => this.load(info))
    // Connections await it; this keeps a failed load from also being an unhandled rejection.
    this.ready.catch(() => {})
  }

  private async load(info: DocumentInfo) {
    const started = performance.now()
    if (!info.seeded) {
      const seeded = await appendSeedUpdate(this.sql, { narrativeId: this.id, update: () => buildTemplateUpdate(info.template) })
      if (seeded) this.scheduleDerive()
    }
    if (this.channel) await this.channel.join()
    const stored = await getNarrativeLog(this.sql, this.id)
    const read = performance.now()
    this.doc.transact(() => {
      if (stored.state) Y.applyUpdateV2(this.doc, stored.state)
      for (const row of stored.updates) {
        try {
          Y.decodeUpdate(row.data)
          Y.applyUpdate(this.doc, row.data)
        } catch (e) {
          log.warn(`collab: skipped unreadable log row ${row.seq} of narrative ${this.id}: ${errorMessage(e)}`)
        }
      }
    }, 'load')
    this.logRows = stored.updates.length
    this.approxBytes = (stored.state?.byteLength ?? 0) + stored.updates.reduce((n, u) => n + u.data.byteLength, 0)
    this.appliesWhilePending = 0
    this.loadTiming = { readMs: read - started, applyMs: performance.now() - read }
    log.debug(
      `collab: loaded narrative ${this.id} (${this.approxBytes} bytes, ${this.logRows} log rows): read ${this.loadTiming.readMs.toFixed(1)} ms, apply ${this.loadTiming.applyMs.toFixed(1)} ms`,
    )
    if (this.logRows >= this.limits.compactAfterUpdates) this.compact()
    const backlog = this.clusterBacklog ?? []
    this.clusterBacklog = null
    for (const m of backlog) this.onClusterMessage(m.kind, m.payload)
    this.channel?.publish(ClusterKind.Hello, new Uint8Array(0))
  }

  // ----- other instances ---------------------------------------------------------------------

  /** A message from another instance holding this document. */
  onClusterMessage(kind: number, payload: Uint8Array) {
    if (this.destroyed) return
    if (this.clusterBacklog) {
      if (this.clusterBacklog.length < 10_000) this.clusterBacklog.push({ kind, payload })
      return
    }
    try {
      if (kind === ClusterKind.Updates) {
        const decoder = decoding.createDecoder(payload)
        const updates: Uint8Array[] = []
        for (let n = decoding.readVarUint(decoder); n > 0; n--) updates.push(decoding.readVarUint8Array(decoder))
        this.applyRemote(updates)
      } else if (kind === ClusterKind.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, payload, REMOTE)
      } else if (kind === ClusterKind.Hello) {
        // An instance (re)opened the document, maybe after a crash: whatever its previous
        // incarnation committed but never published is in the log now.
        this.scheduleCatchUp()
        const mine = [...this.awarenessOwners.keys()].filter((id) => this.awareness.getStates().has(id))
        if (mine.length > 0) this.channel?.publish(ClusterKind.Awareness, awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine))
      }
    } catch (e) {
      log.warn(`collab: ignored a message from another instance for narrative ${this.id}: ${errorMessage(e)}`)
    }
  }

  /**
   * Applies changes another instance committed (or the update log re-read after an outage) through
   * the same decode-then-apply path as a peer's update, and relays what is new to local peers.
   * Nothing of it is queued for commit here: it is already stored.
   */
  private applyRemote(updates: Uint8Array[], stateV2: Uint8Array | null = null, mayCatchUp = true) {
    if (this.tainted || this.closing) return
    const valid = updates.filter((u) => {
      try {
        Y.decodeUpdate(u)
        return true
      } catch {
        return false
      }
    })
    this.remoteEmitted = []
    let failed: unknown = null
    try {
      this.doc.transact(() => {
        if (stateV2) Y.applyUpdateV2(this.doc, stateV2, REMOTE)
        for (const u of valid) Y.applyUpdate(this.doc, u, REMOTE)
      }, REMOTE)
    } catch (e) {
      failed = e
    }
    const emitted = this.remoteEmitted
    this.remoteEmitted = null
    if (failed !== null) {
      if (emitted.length > 0) this.reset(`a change from another instance failed half-way: ${errorMessage(failed)}`)
      return
    }
    for (const data of emitted) this.relay(updateMessage(data), null)
    // Missing dependencies: an instance died between a commit and its publish; the log has them.
    if (mayCatchUp && this.hasPending()) this.scheduleCatchUp()
  }

  private catchUpTimer: NodeJS.Timeout | null = null
  /** One catch-up from the log soon (coalesced). */
  private scheduleCatchUp() {
    if (this.catchUpTimer || this.destroyed) return
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = null
      this.catchUp().catch((e: unknown) => log.warn(`collab: catch-up of narrative ${this.id} failed: ${errorMessage(e)}`))
    }, 200)
    this.catchUpTimer.unref()
  }

  /** Tells the other instances this one holds the document (they catch up and send awareness). */
  announce() {
    this.channel?.publish(ClusterKind.Hello, new Uint8Array(0))
  }

  /** After a Redis outage: re-reads the stored document and relays whatever this instance missed. */
  async catchUp(): Promise<void> {
    if (this.clusterBacklog || this.destroyed) return
    const stored = await getNarrativeLog(this.sql, this.id)
    this.applyRemote(
      stored.updates.map((u) => u.data),
      stored.state,
      false,
    )
  }

  // ----- peers -----------------------------------------------------------------------------

  /** Adds a synced-to-be peer: sends it our sync step 1 and everyone's awareness. */
  addPeer(peer: Peer) {
    this.cancelUnload()
    this.peers.add(peer)
    const sync = encoding.createEncoder()
    encoding.writeVarUint(sync, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(sync, this.doc)
    peer.send(encoding.toUint8Array(sync))
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) peer.send(this.awarenessMessage(states))
  }

  /** Removes a peer and its awareness; schedules unloading when it was the last one. */
  removePeer(peer: Peer) {
    if (!this.peers.delete(peer)) return
    const owned = [...this.awarenessOwners].filter(([, p]) => p === peer).map(([id]) => id)
    for (const id of owned) this.awarenessOwners.delete(id)
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, null)
    if (this.pendingOwner === peer) this.pendingOwner = null
    this.maybeIdle()
  }

  /** Unique signed-in users with this document open. */
  presence(): { userId: string; name: string }[] {
    const users = new Map<string, string>()
    for (const peer of this.peers) users.set(peer.user.userId, peer.user.name)
    return [...users].map(([userId, name]) => ({ userId, name }))
  }

  private broadcast(message: Uint8Array, except: Peer | null) {
    for (const peer of this.peers) if (peer !== except) peer.send(message)
  }

  /** Sends a document change to the peers that follow drafts. */
  private relay(message: Uint8Array, except: Peer | null) {
    for (const peer of this.peers) if (peer !== except && peer.followsDrafts) peer.send(message)
  }

  // ----- sync --------------------------------------------------------------------------------

  /**
   * Answers a peer's sync step 1 with everything it lacks. The answer to an empty state vector
   * (a fresh client: every first open) is the whole document; it is encoded once and reused until
   * the document changes, so N clients opening a loaded document cost one encoding, not N.
   */
  syncStep2For(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector)) {
      if (!this.fullSyncMessage) {
        this.fullSyncMessage = this.encodeSyncStep2(stateVector)
        // Kept for the opens that come together (a reconnect storm), not for the document's life.
        if (this.fullSyncTimer) clearTimeout(this.fullSyncTimer)
        this.fullSyncTimer = setTimeout(() => (this.fullSyncMessage = null), 10_000)
        this.fullSyncTimer.unref()
      }
      return this.fullSyncMessage
    }
    return this.encodeSyncStep2(stateVector)
  }

  private encodeSyncStep2(stateVector: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep2(encoder, this.doc, stateVector)
    return encoding.toUint8Array(encoder)
  }

  /**
   * Counts a document-changing message that changes nothing here (a read-only peer's dropped
   * update, or one already known): it is "committed" as soon as everything before it is.
   */
  countNoop(peer: Peer) {
    peer.received++
    if (peer.queuedRows === 0) this.ack(peer)
  }

  /**
   * Applies a writer's update (V1). Returns null when accepted, or the close code and reason for
   * the sender; the document is left unchanged whenever a code is returned (or reset, see below).
   */
  applyPeerUpdate(peer: Peer, update: Uint8Array): { code: number; reason: string } | null {
    peer.received++
    if (this.tainted) return { code: CloseCode.RetryLater, reason: 'Document reloading' }
    let decoded: ReturnType<typeof Y.decodeUpdate>
    try {
      // Parses every struct: most corrupted updates fail here, before they can touch the doc.
      decoded = Y.decodeUpdate(update)
    } catch {
      return { code: CloseCode.InvalidData, reason: 'Update does not decode' }
    }
    // Decodes is not enough: whatever attributes a peer writes become every editor's nodes and the frozen HTML.
    const problem = checkDecodedUpdate(this.doc, decoded)
    if (problem) return { code: CloseCode.InvalidData, reason: `Update refused: ${problem}` }
    if (this.approxBytes + update.byteLength > this.limits.maxDocumentBytes) {
      return { code: CloseCode.DocumentTooLarge, reason: 'Document size limit reached' }
    }
    const hadPending = this.hasPending()
    const pendingBefore = [this.doc.store.pendingStructs, this.doc.store.pendingDs]
    this.applying = { peer, emitted: [] }
    let failed: unknown = null
    try {
      Y.applyUpdate(this.doc, update, peer)
    } catch (e) {
      failed = e
    }
    const { emitted } = this.applying
    this.applying = null
    if (failed !== null) {
      // The document may have changed before the throw: nothing of it is stored or relayed, and
      // the in-memory copy is rebuilt from the database (peers reconnect and re-send).
      if (emitted.length > 0) this.reset(`an update from ${peer.user.userId} failed half-way`)
      return { code: CloseCode.InvalidData, reason: `Update could not be applied: ${errorMessage(failed).slice(0, 60)}` }
    }

    const pendingNow = this.hasPending()
    if (pendingNow && !hadPending) {
      this.pendingOwner = peer
      this.appliesWhilePending = 0
    }
    for (const data of emitted) this.enqueue(peer, data)
    // Data waiting for its dependencies is in no emitted update: when this message added to it,
    // log the raw message too, so that acknowledging it is truthful (replaying it is harmless).
    const touchedPending = this.doc.store.pendingStructs !== pendingBefore[0] || this.doc.store.pendingDs !== pendingBefore[1]
    if (pendingNow && touchedPending) this.enqueue(peer, update)
    if (emitted.length === 0 && !pendingNow) {
      if (peer.queuedRows === 0) this.ack(peer)
    } else {
      for (const data of emitted) this.relay(updateMessage(data), peer)
      this.changedSinceCheckpoint = true
      this.lastAuthorId = peer.user.userId
      this.scheduleDerive()
    }

    if (pendingNow) return this.checkPending(peer)
    this.appliesWhilePending = 0
    this.pendingOwner = null
    return null
  }

  /**
   * Applies an update the server made (a restore): stored through the same commit queue as a
   * writer's, relayed to every peer, and resolved once it is durable. False when the document is
   * not usable (reloading or closing): the caller then appends it to the log directly.
   */
  async applyServerUpdate(update: Uint8Array, authorId: string | null): Promise<boolean> {
    if (this.tainted || this.closing || this.destroyed) return false
    const emitted: Uint8Array[] = []
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin === SERVER) emitted.push(u)
    }
    this.doc.on('update', capture)
    try {
      Y.decodeUpdate(update)
      Y.applyUpdate(this.doc, update, SERVER)
    } finally {
      this.doc.off('update', capture)
    }
    for (const data of emitted) {
      this.queue.push({ data, authorId, peer: null, index: 0 })
      this.approxBytes += data.byteLength
      this.relay(updateMessage(data), null)
    }
    if (emitted.length > 0) {
      this.changedSinceCheckpoint = true
      this.lastAuthorId = authorId
      this.committer.schedule(this)
      this.scheduleDerive()
    }
    await this.flush()
    return true
  }

  private hasPending(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null
  }

  private checkPending(peer: Peer): { code: number; reason: string } | null {
    this.appliesWhilePending++
    const bytes = (this.doc.store.pendingStructs?.update.byteLength ?? 0) + (this.doc.store.pendingDs?.byteLength ?? 0)
    if (bytes <= this.limits.maxPendingBytes && this.appliesWhilePending <= this.limits.maxPendingUpdates) return null
    // Pending data never shows in the document; dropping it only costs its sender a resync.
    this.doc.store.pendingStructs = null
    this.doc.store.pendingDs = null
    this.appliesWhilePending = 0
    // Blame whoever made it grow past the byte cap, else whoever left it pending (nobody when it
    // came from the stored log).
    const culprit = bytes > this.limits.maxPendingBytes ? peer : this.pendingOwner
    this.pendingOwner = null
    if (culprit === peer) return { code: CloseCode.RateLimited, reason: 'Updates with missing dependencies' }
    culprit?.close(CloseCode.RateLimited, 'Updates with missing dependencies')
    return null
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    this.fullSyncMessage = null
    if (this.remoteEmitted && origin === REMOTE) this.remoteEmitted.push(update)
    if (this.applying && origin === this.applying.peer) this.applying.emitted.push(update)
  }

  // ----- awareness ---------------------------------------------------------------------------

  /**
   * Applies a peer's awareness update unless it touches client ids another peer controls;
   * returns false for an update that does not decode.
   */
  applyPeerAwareness(peer: Peer, update: Uint8Array): boolean {
    const ids = awarenessClientIds(update)
    if (!ids) return false
    for (const id of ids) {
      const owner = this.awarenessOwners.get(id)
      if (owner && owner !== peer) return true
    }
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer)
    } catch {
      return false
    }
    for (const id of ids) {
      if (this.awareness.getStates().has(id)) this.awarenessOwners.set(id, peer)
      else this.awarenessOwners.delete(id)
    }
    return true
  }

  awarenessMessage(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(encoder)
  }

  private onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0 || this.destroyed) return
    // Echo to the sender too (as the reference server does): y-websocket's provider closes a socket
    // that has received nothing for 30 s, and a lone editor's awareness renewals are its heartbeat.
    this.broadcast(this.awarenessMessage(changed), null)
    if (origin !== REMOTE && this.channel) {
      this.channel.publish(ClusterKind.Awareness, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    }
  }

  // ----- durability --------------------------------------------------------------------------

  private enqueue(peer: Peer, data: Uint8Array) {
    peer.queuedRows++
    this.queue.push({ data, authorId: peer.user.userId, peer, index: peer.received })
    this.approxBytes += data.byteLength
    this.committer.schedule(this)
  }

  /**
   * Tells `peer` how many of its document-changing messages are durable: all of them when none
   * of its rows waits in the queue, else those before its oldest waiting row (the queue is FIFO).
   */
  private ack(peer: Peer, oldestQueuedIndex?: number) {
    const count = peer.queuedRows === 0 ? peer.received : (oldestQueuedIndex ?? 1) - 1
    if (count <= peer.acked) return
    peer.acked = count
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SAVED)
    encoding.writeVarUint(encoder, count)
    peer.send(encoding.toUint8Array(encoder))
  }

  /** Resolves when nothing of this document waits to be committed (the process-wide committer runs it). */
  flush(): Promise<void> {
    if (this.queue.length === 0 || this.destroyed) return Promise.resolve()
    this.committer.schedule(this)
    return new Promise((resolve) => this.drained.push(resolve))
  }

  /** CommitSource: what waits, oldest first. */
  pendingRows(): readonly QueuedUpdate[] {
    return this.queue
  }

  /** CommitSource: the first `count` rows of the queue are durable; acknowledges their authors. */
  committed(count: number) {
    const batch = this.queue.splice(0, count)
    this.logRows += batch.length
    if (this.channel && batch.length > 0) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, batch.length)
      for (const item of batch) encoding.writeVarUint8Array(encoder, item.data)
      this.channel.publish(ClusterKind.Updates, encoding.toUint8Array(encoder))
    }
    const touched = new Set<Peer>()
    for (const item of batch) {
      if (!item.peer) continue
      item.peer.queuedRows--
      touched.add(item.peer)
    }
    const oldest = new Map<Peer, number>()
    for (const item of this.queue) if (item.peer && touched.has(item.peer) && !oldest.has(item.peer)) oldest.set(item.peer, item.index)
    for (const peer of touched) this.ack(peer, oldest.get(peer))
    if (this.queue.length === 0) this.resolveDrained()
    if (this.logRows >= this.limits.compactAfterUpdates && !this.destroyed) void this.compact()
  }

  /** CommitSource: the narrative was deleted while open: nothing left to save into. */
  deleted() {
    log.warn(`collab: narrative ${this.id} no longer exists; closing its connections`)
    this.queue = []
    this.resolveDrained()
    for (const peer of [...this.peers]) peer.close(CloseCode.NotFound, 'No such narrative')
  }

  /**
   * CommitSource: the queued updates cannot be stored (the committer tried them alone several
   * times and the error is not one a retry fixes). They were never acknowledged, so their clients
   * still hold them: reload from PostgreSQL and let the clients reconnect and re-send them, rather
   * than keep them in a memory that no longer matches the database.
   */
  failed(reason: string) {
    this.queue = []
    this.resolveDrained()
    this.reset(`its updates cannot be stored: ${reason}`)
  }

  private resolveDrained() {
    for (const resolve of this.drained.splice(0)) resolve()
  }

  /** Folds the log into the state row (at most one compaction at a time). */
  compact(): Promise<void> {
    this.compacting ??= (async () => {
      try {
        const result = await compactNarrativeLog(this.sql, this.id, foldNarrativeLogOffThread)
        this.logRows = Math.max(0, this.logRows - result.folded)
        this.approxBytes = result.bytes + this.queue.reduce((n, q) => n + q.data.byteLength, 0)
      } catch (e) {
        log.warn(`collab: compaction of narrative ${this.id} failed: ${errorMessage(e)}`)
      }
    })().finally(() => {
      this.compacting = null
    })
    return this.compacting
  }

  // ----- derived content ---------------------------------------------------------------------

  private scheduleDerive() {
    if (this.destroyed) return
    const now = Date.now()
    if (!this.dirtySince) this.dirtySince = now
    if (this.derivedTimer) clearTimeout(this.derivedTimer)
    const wait = Math.max(0, Math.min(this.limits.derivedDebounceMs, this.dirtySince + this.limits.derivedMaxWaitMs - now))
    this.derivedTimer = setTimeout(() => void this.derive(), wait)
  }

  /** Rebuilds text, excerpt, outline and word count from the current state, if anything changed. */
  async derive(): Promise<void> {
    if (this.deriving) await this.deriving
    if (!this.dirtySince || this.tainted) return
    if (this.derivedTimer) clearTimeout(this.derivedTimer)
    this.derivedTimer = null
    this.dirtySince = 0
    this.deriving = (async () => {
      try {
        const derived = deriveContent(Y.encodeStateAsUpdate(this.doc))
        await updateNarrativeDerived(this.sql, { id: this.id, ...derived })
        // Chips in the text → links and requirements (app/services/narrative-links.server.ts); a failure there
        // must not hold back the derived text, hence its own catch.
        await syncNarrativeLinks(this.sql, this.id, derived.refs).catch((e: unknown) =>
          log.warn(`collab: links of narrative ${this.id} failed: ${errorMessage(e)}`),
        )
        bus.publish({ type: 'narrative.changed', workspaceId: this.workspaceId, narrativeId: this.id })
        // An edit during review resets the approvals; an edit after approval starts a draft revision.
        await noteNarrativeEdited(this.sql, this.id).catch((e: unknown) =>
          log.warn(`collab: review state of narrative ${this.id} failed: ${errorMessage(e)}`),
        )
        if (Date.now() - this.lastCheckpointAt >= this.limits.checkpointEveryMs) await this.checkpoint()
      } catch (e) {
        log.warn(`collab: derived content of narrative ${this.id} failed: ${errorMessage(e)}`)
      }
    })().finally(() => {
      this.deriving = null
    })
    return this.deriving
  }

  /**
   * Keeps an automatic checkpoint (a version) of the text as committed, when it changed since the
   * last one: cheap (the encoded state plus the HTML the headless editor renders).
   */
  checkpoint(): Promise<void> {
    this.checkpointing ??= (async () => {
      if (!this.changedSinceCheckpoint || this.tainted) return
      this.changedSinceCheckpoint = false
      this.lastCheckpointAt = Date.now()
      try {
        await this.flush()
        const throughSeq = await getLatestSeq(this.sql, this.id)
        await storeCheckpoint(this.sql, {
          narrativeId: this.id,
          workspaceId: this.workspaceId,
          update: Y.encodeStateAsUpdate(this.doc),
          stateV2: Y.encodeStateAsUpdateV2(this.doc),
          throughSeq,
          authorId: this.lastAuthorId,
        })
      } catch (e) {
        this.changedSinceCheckpoint = true
        log.warn(`collab: checkpoint of narrative ${this.id} failed: ${errorMessage(e)}`)
      }
    })().finally(() => {
      this.checkpointing = null
    })
    return this.checkpointing
  }

  // ----- lifecycle ---------------------------------------------------------------------------

  private maybeIdle() {
    if (this.peers.size > 0 || this.joining > 0 || this.closing) return
    this.cancelUnload()
    this.unloadTimer = setTimeout(() => this.onIdle(this), this.limits.idleUnloadMs)
  }

  /** Called by a connection that stopped joining (refused or failed). */
  leftWhileJoining() {
    this.maybeIdle()
  }

  cancelUnload() {
    if (this.unloadTimer) clearTimeout(this.unloadTimer)
    this.unloadTimer = null
  }

  /** True when nobody uses the document (so it may be unloaded). */
  isIdle(): boolean {
    return this.peers.size === 0 && this.joining === 0
  }

  /**
   * Writes everything out: pending updates (retrying until `deadline`), derived content, and a
   * compaction of the log. Returns false when updates could not be committed in time.
   */
  async persist(deadline = Infinity): Promise<boolean> {
    while (this.queue.length > 0 && Date.now() < deadline) {
      if (deadline === Infinity) await this.flush()
      else await Promise.race([this.flush(), sleep(Math.max(0, deadline - Date.now()))])
    }
    await this.derive()
    // The last editor left (or the server stops): keep a checkpoint of what they wrote.
    if (this.queue.length === 0) await this.checkpoint()
    if (this.logRows > 0) await this.compact()
    return this.queue.length === 0
  }

  /** Rebuilds after a half-applied update: peers reconnect (and re-send) to a fresh load. */
  private reset(reason: string) {
    log.warn(`collab: reloading narrative ${this.id}: ${reason}`)
    this.closing = true
    this.tainted = true
    queueMicrotask(() => {
      for (const peer of [...this.peers]) peer.close(CloseCode.RetryLater, 'Document reloading')
      this.onIdle(this)
    })
  }

  /** Frees the document; call after persist(). */
  destroy() {
    this.destroyed = true
    this.committer.forget(this)
    this.channel?.leave()
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer)
    this.resolveDrained()
    this.cancelUnload()
    if (this.derivedTimer) clearTimeout(this.derivedTimer)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.off('update', this.onDocUpdate)
    this.fullSyncMessage = null
    if (this.fullSyncTimer) clearTimeout(this.fullSyncTimer)
    this.doc.destroy()
  }
}

/** True for the state vector of an empty document (no clients: one varUint 0). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** The client ids an awareness update talks about, or null when it does not decode. */
function awarenessClientIds(update: Uint8Array): number[] | null {
  try {
    // Same layout as y-protocols' encodeAwarenessUpdate: count, then (client, clock, json) each.
    const view = new DataView(update.buffer, update.byteOffset, update.byteLength)
    let pos = 0
    const readVarUint = () => {
      let num = 0
      let mult = 1
      for (;;) {
        if (pos >= view.byteLength) throw new Error('truncated')
        const byte = view.getUint8(pos++)
        num += (byte & 0x7f) * mult
        if (byte < 0x80) return num
        mult *= 128
        if (mult > 2 ** 53) throw new Error('too long')
      }
    }
    const count = readVarUint()
    const ids: number[] = []
    for (let i = 0; i < count; i++) {
      ids.push(readVarUint())
      readVarUint()
      const len = readVarUint()
      if (pos + len > view.byteLength) throw new Error('truncated')
      pos += len
    }
    return ids
  } catch {
    return null
  }
}
