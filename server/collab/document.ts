import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Sql } from '#db/client.ts'
import { appendSeedUpdate, getNarrativeLog } from '#db/queries/narrative-docs.ts'
import type { Template } from '#db/queries/narratives.ts'
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '#app/document/protocol.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import { buildTemplateUpdate } from '#app/document/content.ts'
import type { DocumentHooks } from '#app/document/hooks.ts'
import { applyStoredLog } from '#app/document/stored-log.ts'
import { checkDecodedUpdate } from '#app/document/update-check.ts'
import { log } from '#app/utils/log.ts'
import { awarenessClientIds } from './awareness.ts'
import { DocumentChanges } from './changes.ts'
import { DocumentCluster, REMOTE, type DocChannel } from './cluster.ts'
import type { Committer } from './committer.ts'
import { DocumentDurability } from './durability.ts'
import type { Limits } from './limits.ts'
import type { Peer } from './peer.ts'

export type { Peer } from './peer.ts'
export { ClusterKind, REMOTE, type DocChannel } from './cluster.ts'

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Origin of changes the server itself makes (a restore of an old version). */
const SERVER = Symbol('server')

/** The narrative id, workspace and template a document is opened with. */
export interface DocumentInfo {
  id: string
  workspaceId: string
  template: Template
  seeded: boolean
}

/**
 * One open narrative: the authoritative Y.Doc (loaded from PostgreSQL before anyone syncs), its
 * awareness, its peers and its lifecycle. Durability (commit queue, acks, compaction), the link to
 * other instances and the change job (derived content, checkpoints) are its parts, one file each.
 */
export class CollabDocument {
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
  private pendingOwner: Peer | null = null
  private appliesWhilePending = 0
  private unloadTimer: NodeJS.Timeout | null = null
  /** Set while a peer's update is applied: what it emitted, to store and relay once it succeeds. */
  private applying: { peer: Peer; emitted: Uint8Array[] } | null = null
  private destroyed = false
  /** The in-memory doc took part of a failed update: it must not be derived from or served. */
  private tainted = false
  /** Set when the document must not be used any more (reset or shut down). */
  closing = false
  private readonly durability: DocumentDurability
  private readonly cluster: DocumentCluster
  private readonly changes: DocumentChanges
  /** Sync step 2 for an empty state vector, until the document changes. */
  private fullSyncMessage: Uint8Array | null = null
  private fullSyncTimer: NodeJS.Timeout | null = null
  /** Where the load spent its time (ms): reading PostgreSQL, applying the stored state. */
  loadTiming: { readMs: number; applyMs: number } | null = null

  constructor(
    info: DocumentInfo,
    private readonly sql: Sql,
    private readonly limits: Limits,
    private readonly onIdle: (doc: CollabDocument) => void,
    committer: Committer,
    hooks: DocumentHooks,
    openChannel: ((doc: CollabDocument) => DocChannel) | null = null,
    private readonly admitLoad: <T>(load: () => Promise<T>) => Promise<T> = (load) => load(),
  ) {
    this.id = info.id
    this.workspaceId = info.workspaceId
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
    this.doc.on('update', this.onDocUpdate)
    this.durability = new DocumentDurability(this.id, sql, limits, committer, {
      committed: (rows) => this.cluster.publishUpdates(rows),
      deleted: () => {
        for (const peer of [...this.peers]) peer.close(CloseCode.NotFound, 'No such narrative')
      },
      failed: (reason) => this.reset(`its updates cannot be stored: ${reason}`),
    })
    this.cluster = new DocumentCluster(
      {
        id: this.id,
        doc: this.doc,
        awareness: this.awareness,
        usable: () => !this.tainted && !this.closing,
        localAwarenessIds: () => [...this.awarenessOwners.keys()].filter((id) => this.awareness.getStates().has(id)),
        relay: (updates) => {
          for (const data of updates) this.relay(updateMessage(data), null)
        },
        reset: (reason) => this.reset(reason),
        hasPending: () => this.hasPending(),
      },
      sql,
      openChannel?.(this) ?? null,
    )
    this.changes = new DocumentChanges(
      { id: this.id, workspaceId: this.workspaceId, doc: this.doc, sound: () => !this.tainted, flush: () => this.flush() },
      sql,
      limits,
      hooks,
    )
    this.ready = this.admitLoad(() => this.load(info))
    // Connections await it; this keeps a failed load from also being an unhandled rejection.
    this.ready.catch(() => {})
  }

  /**
   * Commits and hands the app every change made so far, now instead of after the debounce: a
   * reader is admitted only once an edit after approval has made the narrative a draft revision.
   */
  settleChanges(): Promise<void> {
    return this.changes.run()
  }

  private async load(info: DocumentInfo) {
    const started = performance.now()
    if (!info.seeded) {
      const seeded = await appendSeedUpdate(this.sql, { narrativeId: this.id, update: () => buildTemplateUpdate(info.template) })
      if (seeded) this.changes.schedule()
    }
    await this.cluster.join()
    const stored = await getNarrativeLog(this.sql, this.id)
    const read = performance.now()
    applyStoredLog(this.doc, stored, {
      origin: 'load',
      onSkipped: (row, e) => log.warn(`collab: skipped unreadable log row ${row.seq} of narrative ${this.id}: ${errorMessage(e)}`),
    })
    const bytes = (stored.state?.byteLength ?? 0) + stored.updates.reduce((n, u) => n + u.data.byteLength, 0)
    this.appliesWhilePending = 0
    this.loadTiming = { readMs: read - started, applyMs: performance.now() - read }
    log.debug(
      `collab: loaded narrative ${this.id} (${bytes} bytes, ${stored.updates.length} log rows): read ${this.loadTiming.readMs.toFixed(1)} ms, apply ${this.loadTiming.applyMs.toFixed(1)} ms`,
    )
    this.durability.loaded(stored.updates.length, bytes)
    this.cluster.loaded()
  }

  // ----- other instances ---------------------------------------------------------------------

  /** A message from another instance holding this document. */
  onClusterMessage(kind: number, payload: Uint8Array) {
    this.cluster.onMessage(kind, payload)
  }

  /** Tells the other instances this one holds the document (they catch up and send awareness). */
  announce() {
    this.cluster.announce()
  }

  /** After a Redis outage: re-reads the stored document and relays whatever this instance missed. */
  catchUp(): Promise<void> {
    return this.cluster.catchUp()
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
    if (peer.queuedRows === 0) this.durability.ack(peer)
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
    if (this.durability.approxBytes + update.byteLength > this.limits.maxDocumentBytes) {
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
    for (const data of emitted) this.durability.enqueue(data, peer.user.userId, peer)
    // Data waiting for its dependencies is in no emitted update: when this message added to it,
    // log the raw message too, so that acknowledging it is truthful (replaying it is harmless).
    const touchedPending = this.doc.store.pendingStructs !== pendingBefore[0] || this.doc.store.pendingDs !== pendingBefore[1]
    if (pendingNow && touchedPending) this.durability.enqueue(update, peer.user.userId, peer)
    if (emitted.length === 0 && !pendingNow) {
      if (peer.queuedRows === 0) this.durability.ack(peer)
    } else {
      for (const data of emitted) this.relay(updateMessage(data), peer)
      this.changes.edited(peer.user.userId)
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
      this.durability.enqueue(data, authorId, null)
      this.relay(updateMessage(data), null)
    }
    if (emitted.length > 0) this.changes.edited(authorId)
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
    if (origin !== REMOTE) this.cluster.publishAwareness(changed)
  }

  // ----- durability and derived content (durability.ts, changes.ts) -------------------------

  /** Resolves when nothing of this document waits to be committed. */
  flush(): Promise<void> {
    return this.destroyed ? Promise.resolve() : this.durability.flush()
  }

  /** Folds the log into the state row (at most one compaction at a time). */
  compact(): Promise<void> {
    return this.durability.compact()
  }

  /** Hands the app the derived content and any checkpoint that is due now. */
  derive(): Promise<void> {
    return this.changes.run()
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
    const committed = await this.durability.flushUntil(deadline)
    // The last editor left (or the server stops): keep a checkpoint of what they wrote.
    await this.changes.run({ final: committed })
    if (this.durability.logRows > 0) await this.compact()
    return this.durability.waiting === 0
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
    this.durability.destroy()
    this.cluster.destroy()
    this.changes.destroy()
    this.cancelUnload()
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
