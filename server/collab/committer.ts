import type { Sql } from '#db/client.ts'
import { appendNarrativeUpdateGroups, authorOfForeignKeyError, narrativeOfForeignKeyError } from '#db/queries/narrative-docs.ts'
import { log } from '#app/utils/log.ts'

/** A document with rows to commit (CollabDocument). */
export interface CommitSource {
  readonly id: string
  /** Rows waiting, oldest first; a commit takes a prefix of them. */
  pendingRows(): readonly { data: Uint8Array; authorId: string | null }[]
  /** The first `count` pending rows are durable. */
  committed(count: number): void
  /** The narrative no longer exists (23503): its pending rows can never be stored. */
  deleted(): void
  /**
   * The pending rows failed for a reason a retry cannot fix (neither a lost connection nor a
   * deleted narrative or author), several times: drop them from the queue unacknowledged; their
   * clients still hold them and re-send them to a fresh load.
   */
  failed(reason: string): void
}

/** Failures of one document's rows, alone, for a non-transient reason before they are given back. */
const MAX_STRIKES = 3

/**
 * True for errors a retry can fix: the database unreachable or restarting, a connection lost,
 * a serialization failure or deadlock, a resource running out. SQLSTATE classes 08, 40, 53, 55,
 * 57, 58 and XX; anything without a SQLSTATE (ECONNREFUSED, CONNECTION_CLOSED…) is a connection
 * problem. Everything else (data exceptions, constraint violations…) fails the same way again.
 */
export function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true
  return ['08', '40', '53', '55', '57', '58', 'XX'].includes(code.slice(0, 2))
}

const MAX_BATCH_ROWS = 5000
const MAX_BATCH_BYTES = 8 * 1024 * 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

interface Part {
  source: CommitSource
  rows: readonly { data: Uint8Array; authorId: string | null }[]
}

/**
 * The process-wide group commit: one commit in flight at a time; while it runs, rows of every
 * document accumulate, and the next commit writes them all in one statement (one multi-row insert
 * plus one batched `update narratives`). With 200 active documents that is one transaction per
 * round trip instead of 200 competing for the pool. A failed commit is retried with backoff and
 * nothing is acknowledged before it succeeds; a deleted narrative (23503) drops only its own rows.
 */
export class Committer {
  private dirty = new Set<CommitSource>()
  private running: Promise<void> | null = null
  private failures = 0
  /** Authors deleted while their edits waited: their rows are stored with no author. */
  private goneAuthors = new Set<string>()
  /** Non-transient failures of one document's rows written alone. */
  private strikes = new Map<CommitSource, number>()
  /** Commits done and rows written (for tests and the bench). */
  stats = { commits: 0, rows: 0 }

  constructor(private readonly sql: Sql) {}

  /** `source` has new rows: they go into the next commit. */
  schedule(source: CommitSource) {
    this.dirty.add(source)
    // Started on the next microtask: rows scheduled in the same tick (one socket read can carry
    // many messages) go into the first commit together.
    this.running ??= Promise.resolve()
      .then(() => this.loop())
      .finally(() => {
        this.running = null
        // Rows scheduled after the loop's last check start a new one.
        if (this.dirty.size > 0) this.schedule([...this.dirty][0]!)
      })
  }

  /** Drops a source that is being destroyed (its rows stay in its clients, which re-send them). */
  forget(source: CommitSource) {
    this.dirty.delete(source)
    this.strikes.delete(source)
  }

  private take(): Part[] {
    const parts: Part[] = []
    let rows = 0
    let bytes = 0
    for (const source of this.dirty) {
      const pending = source.pendingRows()
      if (pending.length === 0) {
        this.dirty.delete(source)
        continue
      }
      let n = 0
      while (n < pending.length && rows < MAX_BATCH_ROWS && bytes < MAX_BATCH_BYTES) {
        bytes += pending[n]!.data.byteLength
        n++
        rows++
      }
      if (n > 0) parts.push({ source, rows: pending.slice(0, n) })
      if (rows >= MAX_BATCH_ROWS || bytes >= MAX_BATCH_BYTES) break
    }
    return parts
  }

  private async loop() {
    while (this.dirty.size > 0) {
      const parts = this.take()
      if (parts.length === 0) return
      try {
        await this.write(parts)
      } catch (e) {
        this.failures++
        if (this.failures === 1 || this.failures % 20 === 0) {
          const rows = parts.reduce((n, p) => n + p.rows.length, 0)
          log.warn(
            `collab: commit of ${rows} update(s) of ${parts.length} narrative(s) failed (attempt ${this.failures}), retrying: ${errorMessage(e)}`,
          )
        }
        await sleep(Math.min(5000, 50 * 2 ** Math.min(this.failures, 7)))
        continue
      }
      this.failures = 0
    }
  }

  /**
   * Commits `parts`: all of them, or all but a deleted narrative's. A deleted author's rows are
   * stored with no author. A non-transient failure of a batch of several documents is retried one
   * document at a time, so one bad document does not hold back the rest; a document failing alone
   * MAX_STRIKES times is given back (failed()). Throws when anything is left to retry.
   */
  private async write(parts: Part[]) {
    let live = parts
    for (;;) {
      try {
        await this.insert(live)
        break
      } catch (e) {
        const author = authorOfForeignKeyError(e)
        if (author !== null && !this.goneAuthors.has(author)) {
          // The person was deleted (or removed) while their edits waited: keep the edits.
          log.warn(`collab: author ${author} no longer exists; storing their pending edits without an author`)
          this.goneAuthors.add(author)
          continue
        }
        const gone = narrativeOfForeignKeyError(e)
        const deleted = gone === null ? undefined : live.find((p) => p.source.id === gone)
        if (deleted) {
          // The narrative was deleted while open: nothing left to save into; the others go on.
          this.dirty.delete(deleted.source)
          deleted.source.deleted()
          live = live.filter((p) => p !== deleted)
          if (live.length === 0) return
          continue
        }
        if (isTransient(e)) throw e
        if (live.length === 1) {
          this.strike(live[0]!, e)
          throw e
        }
        // Which document? Each alone: the others commit, the failing one collects a strike.
        let failure: unknown = null
        for (const part of live) {
          try {
            await this.insert([part])
            this.done([part])
          } catch (one) {
            if (isTransient(one)) throw one
            failure = one
            this.strike(part, one)
          }
        }
        if (failure !== null) throw failure
        return
      }
    }
    this.done(live)
  }

  private async insert(parts: Part[]) {
    await appendNarrativeUpdateGroups(
      this.sql,
      parts.map((p) => ({
        narrativeId: p.source.id,
        updates: p.rows.map((r) => (r.authorId !== null && this.goneAuthors.has(r.authorId) ? { data: r.data, authorId: null } : r)),
      })),
    )
  }

  private strike(part: Part, e: unknown) {
    const strikes = (this.strikes.get(part.source) ?? 0) + 1
    this.strikes.set(part.source, strikes)
    if (strikes < MAX_STRIKES) return
    this.strikes.delete(part.source)
    this.dirty.delete(part.source)
    const reason = errorMessage(e)
    log.error(
      `collab: ${part.rows.length} update(s) of narrative ${part.source.id} failed ${strikes} times (${reason}); handing them back to their clients`,
    )
    part.source.failed(reason)
  }

  private done(parts: Part[]) {
    this.stats.commits++
    for (const p of parts) {
      this.strikes.delete(p.source)
      this.stats.rows += p.rows.length
      p.source.committed(p.rows.length)
      // Round-robin: a document with more rows waiting goes behind the others for the next batch.
      if (this.dirty.delete(p.source) && p.source.pendingRows().length > 0) this.dirty.add(p.source)
    }
  }
}
