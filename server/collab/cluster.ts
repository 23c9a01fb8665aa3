import type * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Sql } from '#db/client.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { applyStoredLog } from '#app/document/stored-log.ts'
import { log } from '#app/utils/log.ts'

/** Origin of changes that came from another instance (never stored again, never re-published). */
export const REMOTE = Symbol('remote')

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

/** What the cluster side of a document needs from the document. */
export interface ClusterHost {
  readonly id: string
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** False while the document is reloading or closing: remote changes are not applied then. */
  usable(): boolean
  /** Awareness client ids controlled by this instance's peers. */
  localAwarenessIds(): number[]
  /** Sends changes another instance made to the local peers that follow drafts. */
  relay(updates: Uint8Array[]): void
  /** Rebuilds the document from PostgreSQL (a remote change failed half-way). */
  reset(reason: string): void
  /** Update data waits in the doc for missing dependencies. */
  hasPending(): boolean
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * A document's link to the other instances holding it: publishes what this instance committed and
 * the awareness its clients sent, applies theirs, and catches up from the log after an outage or
 * when another instance (re)opens the document.
 */
export class DocumentCluster {
  /** Messages that arrived before the load finished. */
  private backlog: { kind: number; payload: Uint8Array }[] | null = []
  private catchUpTimer: NodeJS.Timeout | null = null
  private destroyed = false

  constructor(
    private readonly host: ClusterHost,
    private readonly sql: Sql,
    private readonly channel: DocChannel | null,
  ) {}

  /** Subscribes before the stored document is read (see DocChannel.join). */
  async join() {
    if (this.channel) await this.channel.join()
  }

  /** The stored document is in memory: applies what arrived meanwhile and says hello. */
  loaded() {
    const backlog = this.backlog ?? []
    this.backlog = null
    for (const m of backlog) this.onMessage(m.kind, m.payload)
    this.announce()
  }

  /** A message from another instance holding this document. */
  onMessage(kind: number, payload: Uint8Array) {
    if (this.destroyed) return
    if (this.backlog) {
      if (this.backlog.length < 10_000) this.backlog.push({ kind, payload })
      return
    }
    try {
      if (kind === ClusterKind.Updates) {
        const decoder = decoding.createDecoder(payload)
        const updates: { data: Uint8Array }[] = []
        for (let n = decoding.readVarUint(decoder); n > 0; n--) updates.push({ data: decoding.readVarUint8Array(decoder) })
        this.applyRemote(null, updates)
      } else if (kind === ClusterKind.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.host.awareness, payload, REMOTE)
      } else if (kind === ClusterKind.Hello) {
        // An instance (re)opened the document, maybe after a crash: whatever its previous
        // incarnation committed but never published is in the log now.
        this.scheduleCatchUp()
        const mine = this.host.localAwarenessIds()
        if (mine.length > 0)
          this.channel?.publish(ClusterKind.Awareness, awarenessProtocol.encodeAwarenessUpdate(this.host.awareness, mine))
      }
    } catch (e) {
      log.warn(`collab: ignored a message from another instance for narrative ${this.host.id}: ${errorMessage(e)}`)
    }
  }

  /** Publishes rows this instance committed. */
  publishUpdates(rows: readonly { data: Uint8Array }[]) {
    if (!this.channel || rows.length === 0) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, rows.length)
    for (const row of rows) encoding.writeVarUint8Array(encoder, row.data)
    this.channel.publish(ClusterKind.Updates, encoding.toUint8Array(encoder))
  }

  /** Publishes an awareness change of this instance's clients. */
  publishAwareness(changed: number[]) {
    this.channel?.publish(ClusterKind.Awareness, awarenessProtocol.encodeAwarenessUpdate(this.host.awareness, changed))
  }

  /** Tells the other instances this one holds the document (they catch up and send awareness). */
  announce() {
    this.channel?.publish(ClusterKind.Hello, new Uint8Array(0))
  }

  /** After a Redis outage: re-reads the stored document and relays whatever this instance missed. */
  async catchUp(): Promise<void> {
    if (this.backlog || this.destroyed) return
    const stored = await getNarrativeLog(this.sql, this.host.id)
    this.applyRemote(stored.state, stored.updates, false)
  }

  /**
   * Applies changes another instance committed (or the stored log re-read after an outage) through
   * the stored-log applier (decoded before applied), and relays what is new to local peers.
   * Nothing of it is queued for commit here: it is already stored.
   */
  private applyRemote(state: Uint8Array | null, updates: readonly { data: Uint8Array }[], mayCatchUp = true) {
    if (!this.host.usable()) return
    const { doc } = this.host
    const emitted: Uint8Array[] = []
    const capture = (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) emitted.push(update)
    }
    doc.on('update', capture)
    let failed: unknown = null
    try {
      applyStoredLog(doc, { state, updates }, { origin: REMOTE, applyErrors: 'throw' })
    } catch (e) {
      failed = e
    } finally {
      doc.off('update', capture)
    }
    if (failed !== null) {
      if (emitted.length > 0) this.host.reset(`a change from another instance failed half-way: ${errorMessage(failed)}`)
      return
    }
    this.host.relay(emitted)
    // Missing dependencies: an instance died between a commit and its publish; the log has them.
    if (mayCatchUp && this.host.hasPending()) this.scheduleCatchUp()
  }

  /** One catch-up from the log soon (coalesced). */
  private scheduleCatchUp() {
    if (this.catchUpTimer || this.destroyed) return
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = null
      this.catchUp().catch((e: unknown) => log.warn(`collab: catch-up of narrative ${this.host.id} failed: ${errorMessage(e)}`))
    }, 200)
    this.catchUpTimer.unref()
  }

  destroy() {
    this.destroyed = true
    this.channel?.leave()
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer)
  }
}
