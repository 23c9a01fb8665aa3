import * as Y from 'yjs'
import type { Sql } from '#db/client.ts'
import { getLatestSeq } from '#db/queries/versions.ts'
import type { DocumentHooks, NarrativeChange } from '#app/document/hooks.ts'
import { log } from '#app/utils/log.ts'
import type { Limits } from './limits.ts'

/** What the change job needs from its document. */
export interface ChangesHost {
  readonly id: string
  readonly workspaceId: string
  readonly doc: Y.Doc
  /** False when the in-memory document took part of a failed update: nothing is derived from it. */
  sound(): boolean
  /** Resolves once everything applied so far is committed. */
  flush(): Promise<void>
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * When the app hears of a document's changes: debounced after edits (at most derivedMaxWaitMs
 * late), with a checkpoint at most every checkpointEveryMs while people edit and when the document
 * is written out. What it does then is the app's onNarrativeChanged hook, handed in at boot.
 */
export class DocumentChanges {
  private timer: NodeJS.Timeout | null = null
  private dirtySince = 0
  private running: Promise<void> | null = null
  private lastCheckpointAt = Date.now()
  private changedSinceCheckpoint = false
  private lastAuthorId: string | null = null
  private destroyed = false

  constructor(
    private readonly host: ChangesHost,
    private readonly sql: Sql,
    private readonly limits: Limits,
    private readonly hooks: DocumentHooks,
  ) {}

  /** The text changed by `authorId` (a peer, or the server with null): a version becomes due. */
  edited(authorId: string | null) {
    this.changedSinceCheckpoint = true
    this.lastAuthorId = authorId
    this.schedule()
  }

  /** Derived content is due (a document seeded from its template), not a version. */
  schedule() {
    if (this.destroyed) return
    const now = Date.now()
    if (!this.dirtySince) this.dirtySince = now
    if (this.timer) clearTimeout(this.timer)
    const wait = Math.max(0, Math.min(this.limits.derivedDebounceMs, this.dirtySince + this.limits.derivedMaxWaitMs - now))
    this.timer = setTimeout(() => void this.run(), wait)
  }

  /**
   * Hands the app what is due now: derived content when the text changed, and a checkpoint when one
   * is due by time or, with `final` (the document is written out, nothing left to commit), whenever
   * the text changed since the last one. The checkpoint state is taken after a flush, so it holds
   * every update up to its sequence number; derived content and version come from that one state.
   */
  async run(opts: { final?: boolean } = {}): Promise<void> {
    while (this.running) await this.running
    if (!this.host.sound()) return
    const edited = this.dirtySince !== 0
    const due = this.changedSinceCheckpoint && (opts.final === true || Date.now() - this.lastCheckpointAt >= this.limits.checkpointEveryMs)
    if (!edited && !due) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.dirtySince = 0
    if (due) {
      this.changedSinceCheckpoint = false
      this.lastCheckpointAt = Date.now()
    }
    this.running = (async () => {
      let change: NarrativeChange | null = null
      try {
        let checkpoint: { throughSeq: number; authorId: string | null } | null = null
        if (due) {
          await this.host.flush()
          checkpoint = { throughSeq: await getLatestSeq(this.sql, this.host.id), authorId: this.lastAuthorId }
        }
        change = {
          narrativeId: this.host.id,
          workspaceId: this.host.workspaceId,
          update: Y.encodeStateAsUpdate(this.host.doc),
          edited,
          checkpoint: checkpoint && { ...checkpoint, stateV2: Y.encodeStateAsUpdateV2(this.host.doc) },
        }
        await this.hooks.onNarrativeChanged(change)
      } catch (e) {
        if (due) this.changedSinceCheckpoint = true
        // Failed before the app heard of it: the next run derives again.
        if (edited && !change) this.dirtySince ||= Date.now()
        log.warn(`collab: derived content of narrative ${this.host.id} failed: ${errorMessage(e)}`)
      }
    })().finally(() => {
      this.running = null
    })
    return this.running
  }

  destroy() {
    this.destroyed = true
    if (this.timer) clearTimeout(this.timer)
  }
}
