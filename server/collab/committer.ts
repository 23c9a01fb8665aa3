import type { Sql } from '#db/client.ts'
import { appendNarrativeUpdateGroups, narrativeOfForeignKeyError } from '#db/queries/narrative-docs.ts'
import { log } from '#server/log.ts'

/** A document with rows to commit (CollabDocument). */
export interface CommitSource {
  readonly id: string
  /** Rows waiting, oldest first; a commit takes a prefix of them. */
  pendingRows(): readonly { data: Uint8Array; authorId: string | null }[]
  /** The first `count` pending rows are durable. */
  committed(count: number): void
  /** The narrative no longer exists (23503): its pending rows can never be stored. */
  deleted(): void
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

  /** Commits `parts` (all or, after a deleted narrative, all the others); throws on other errors. */
  private async write(parts: Part[]) {
    let live = parts
    for (;;) {
      try {
        await appendNarrativeUpdateGroups(
          this.sql,
          live.map((p) => ({ narrativeId: p.source.id, updates: [...p.rows] })),
        )
        break
      } catch (e) {
        const gone = narrativeOfForeignKeyError(e)
        const deleted = gone === null ? undefined : live.find((p) => p.source.id === gone)
        if (!deleted) throw e
        // The narrative was deleted while open: nothing left to save into; the others go on.
        this.dirty.delete(deleted.source)
        deleted.source.deleted()
        live = live.filter((p) => p !== deleted)
        if (live.length === 0) return
      }
    }
    this.stats.commits++
    for (const p of live) {
      this.stats.rows += p.rows.length
      p.source.committed(p.rows.length)
      // Round-robin: a document with more rows waiting goes behind the others for the next batch.
      if (this.dirty.delete(p.source) && p.source.pendingRows().length > 0) this.dirty.add(p.source)
    }
  }
}
