import * as encoding from 'lib0/encoding'
import type { Sql } from '#db/client.ts'
import { compactNarrativeLog } from '#db/queries/narrative-docs.ts'
import { MESSAGE_SAVED } from '#app/document/protocol.ts'
import { log } from '#app/utils/log.ts'
import type { Committer, CommitSource } from './committer.ts'
import { foldNarrativeLogOffThread } from './fold.ts'
import type { Limits } from './limits.ts'
import type { Peer } from './peer.ts'

export interface QueuedUpdate {
  data: Uint8Array
  authorId: string | null
  peer: Peer | null
  /** The peer's `received` count once this update is committed. */
  index: number
}

/** What the durability of a document tells the document it belongs to. */
export interface DurabilityEvents {
  /** These rows are durable (published to the other instances by the document's cluster channel). */
  committed(rows: readonly QueuedUpdate[]): void
  /** The narrative was deleted while open. */
  deleted(): void
  /** The queued rows can never be stored: the in-memory document must be rebuilt. */
  failed(reason: string): void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * A document's way to PostgreSQL: the commit queue the process-wide committer drains (group
 * commit), the MESSAGE_SAVED acknowledgements that tell each author what is durable, and the
 * compaction of the log into the state row.
 */
export class DocumentDurability implements CommitSource {
  private queue: QueuedUpdate[] = []
  /** Waiting for the queue to empty (flush). */
  private drained: (() => void)[] = []
  private compacting: Promise<void> | null = null
  private destroyed = false
  /** Log rows stored after the state row. */
  logRows = 0
  /** Stored size plus what waits: what the document-size limit is checked against. */
  approxBytes = 0

  constructor(
    readonly id: string,
    private readonly sql: Sql,
    private readonly limits: Limits,
    private readonly committer: Committer,
    private readonly events: DurabilityEvents,
  ) {}

  /** Counts the stored document once it is loaded; compacts when the log is long already. */
  loaded(logRows: number, bytes: number) {
    this.logRows = logRows
    this.approxBytes = bytes
    if (this.logRows >= this.limits.compactAfterUpdates) void this.compact()
  }

  /** Rows waiting to be committed. */
  get waiting(): number {
    return this.queue.length
  }

  /** Queues a row for commit: a peer's (acknowledged to it once durable) or the server's own. */
  enqueue(data: Uint8Array, authorId: string | null, peer: Peer | null) {
    if (peer) peer.queuedRows++
    this.queue.push({ data, authorId, peer, index: peer ? peer.received : 0 })
    this.approxBytes += data.byteLength
    this.committer.schedule(this)
  }

  /**
   * Tells `peer` how many of its document-changing messages are durable: all of them when none
   * of its rows waits in the queue, else those before its oldest waiting row (the queue is FIFO).
   */
  ack(peer: Peer, oldestQueuedIndex?: number) {
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

  /** Flushes until the queue is empty or `deadline` passes; true when nothing waits any more. */
  async flushUntil(deadline: number): Promise<boolean> {
    while (this.queue.length > 0 && Date.now() < deadline) {
      if (deadline === Infinity) await this.flush()
      else await Promise.race([this.flush(), sleep(Math.max(0, deadline - Date.now()))])
    }
    return this.queue.length === 0
  }

  /** CommitSource: what waits, oldest first. */
  pendingRows(): readonly QueuedUpdate[] {
    return this.queue
  }

  /** CommitSource: the first `count` rows of the queue are durable; acknowledges their authors. */
  committed(count: number) {
    const batch = this.queue.splice(0, count)
    this.logRows += batch.length
    if (batch.length > 0) this.events.committed(batch)
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
    this.drop()
    this.events.deleted()
  }

  /**
   * CommitSource: the queued updates cannot be stored (the committer tried them alone several
   * times and the error is not one a retry fixes). They were never acknowledged, so their clients
   * still hold them: the document reloads from PostgreSQL and the clients reconnect and re-send
   * them, rather than keep them in a memory that no longer matches the database.
   */
  failed(reason: string) {
    this.drop()
    this.events.failed(reason)
  }

  private drop() {
    this.queue = []
    this.resolveDrained()
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

  /** Stops: the committer forgets the document and flushes waiting on it resolve. */
  destroy() {
    this.destroyed = true
    this.committer.forget(this)
    this.resolveDrained()
  }
}
