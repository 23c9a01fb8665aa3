import type { Db, Sql, TransactionSql } from '../client.ts'

/** The stored form of a narrative's Yjs document: compacted state (V2) plus the log after it (V1). */
export interface NarrativeLog {
  /** Yjs V2 encoding of everything folded so far, or null before the first compaction. */
  state: Uint8Array | null
  throughSeq: number
  /** Every log row still present, in commit order of their sequence numbers. */
  updates: { seq: number; data: Uint8Array }[]
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

function inTransaction<T>(db: Db, run: (tx: TransactionSql) => Promise<T>): Promise<T> {
  // A TransactionSql has savepoint(); a pool opens its own transaction.
  return 'savepoint' in db ? run(db as TransactionSql) : (db.begin(run) as Promise<T>)
}

/**
 * The stored document of a narrative. Every remaining log row is returned (not only those after
 * through_seq): compaction deletes exactly the rows it folded, so a row that committed late with
 * a lower sequence number is still applied (applying a folded row again is a no-op in Yjs).
 */
export async function getNarrativeLog(db: Db, narrativeId: string): Promise<NarrativeLog> {
  const [stateRows, updates] = await Promise.all([
    db<{ state: Buffer; throughSeq: string }[]>`
      select state, through_seq as "throughSeq" from narrative_states where narrative_id = ${narrativeId}`,
    db<{ seq: string; data: Buffer }[]>`
      select seq, data from narrative_updates where narrative_id = ${narrativeId} order by seq`,
  ])
  const state = stateRows[0]
  return {
    state: state ? state.state : null,
    throughSeq: state ? Number(state.throughSeq) : 0,
    updates: updates.map((u) => ({ seq: Number(u.seq), data: u.data })),
  }
}

/** One narrative's share of a cross-document commit. */
export interface NarrativeUpdateGroup {
  narrativeId: string
  updates: { data: Uint8Array; authorId: string | null }[]
}

/**
 * The process-wide group commit: appends the updates of many narratives in one multi-row insert
 * and marks each narrative edited by its last author in one batched update, as one statement
 * (one transaction). Rows of one narrative keep their order (identity values follow the VALUES
 * order). Narratives are locked in id order, so two instances committing overlapping sets never
 * deadlock. Returns the number of rows written. A deleted narrative fails the whole statement
 * with 23503 naming it in `detail` (see narrativeOfForeignKeyError).
 */
export async function appendNarrativeUpdateGroups(db: Db, groups: NarrativeUpdateGroup[]): Promise<number> {
  if (groups.every((g) => g.updates.length === 0)) return 0
  const touched = groups
    .map((g) => [g.narrativeId, g.updates.findLast((u) => u.authorId)?.authorId ?? null] as [string, string | null])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  // Three array parameters instead of three per row: one statement text whatever the batch size
  // (prepared once; a VALUES list with a parameter per row is parsed and planned on every commit).
  const narrativeIds: string[] = []
  const hex: string[] = []
  const authors: (string | null)[] = []
  for (const g of groups) {
    for (const u of g.updates) {
      narrativeIds.push(g.narrativeId)
      hex.push(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).toString('hex'))
      authors.push(u.authorId)
    }
  }
  const touchedIds = touched.map((t) => t[0])
  const touchedAuthors = touched.map((t) => t[1])
  const q = db as Sql
  const result = await q`
    with touched as (
      update narratives n set updated_at = now(), last_edited_by = coalesce(v.author, n.last_edited_by)
      from unnest(${touchedIds}::uuid[], ${touchedAuthors as string[]}::uuid[]) as v (id, author)
      where n.id = v.id
    ), ins as (
      insert into narrative_updates (narrative_id, data, author_id)
      select r.narrative_id, decode(r.hex, 'hex'), r.author_id
      from unnest(${narrativeIds}::uuid[], ${hex}::text[], ${authors as string[]}::uuid[]) with ordinality as r (narrative_id, hex, author_id, n)
      order by r.n
      returning 1
    )
    select count(*)::int as n from ins`
  return (result[0] as { n: number }).n
}

/** The narrative id a 23503 (foreign key) error of narrative_updates names, if any. */
export function narrativeOfForeignKeyError(e: unknown): string | null {
  const err = e as { code?: string; detail?: string }
  if (err.code !== '23503') return null
  return /Key \(narrative_id\)=\(([0-9a-f-]{36})\)/i.exec(err.detail ?? '')?.[1] ?? null
}

/**
 * The user id a 23503 error names as a missing author (narrative_updates.author_id or
 * narratives.last_edited_by), if any: the person was deleted while their edits waited to be stored.
 */
export function authorOfForeignKeyError(e: unknown): string | null {
  const err = e as { code?: string; detail?: string }
  if (err.code !== '23503') return null
  return /Key \((?:author_id|last_edited_by)\)=\(([0-9a-f-]{36})\)/i.exec(err.detail ?? '')?.[1] ?? null
}

/**
 * Writes a narrative's first content exactly once: under a lock on the narrative row, appends the
 * update built by `build` and sets `seeded`; returns false (and writes nothing) when it was already
 * seeded or does not exist.
 */
export async function appendSeedUpdate(
  db: Db,
  args: { narrativeId: string; update: () => Uint8Array; authorId?: string | null },
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [row] = await tx<[{ seeded: boolean }?]>`
      select seeded from narratives where id = ${args.narrativeId} for update`
    if (!row || row.seeded) return false
    await tx`insert into narrative_updates (narrative_id, data, author_id)
      values (${args.narrativeId}, ${toBuffer(args.update())}, ${args.authorId ?? null})`
    await tx`update narratives set seeded = true where id = ${args.narrativeId}`
    return true
  })
}

/**
 * Folds the log into one state row, all in one transaction: `fold` receives the stored document
 * (read under a per-narrative advisory lock, so two compactions never interleave; writers are not
 * blocked) and returns the new V2 state; the folded rows, and only those, are deleted.
 */
export async function compactNarrativeLog(
  db: Db,
  narrativeId: string,
  fold: (log: NarrativeLog) => Promise<Uint8Array> | Uint8Array,
): Promise<{ folded: number; bytes: number }> {
  return inTransaction(db, async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('accord.narrative-compaction'), hashtext(${narrativeId}))`
    const log = await getNarrativeLog(tx, narrativeId)
    if (log.updates.length === 0) return { folded: 0, bytes: log.state?.byteLength ?? 0 }
    const state = await fold(log)
    const seqs = log.updates.map((u) => u.seq)
    const throughSeq = Math.max(log.throughSeq, seqs[seqs.length - 1] ?? 0)
    await tx`
      insert into narrative_states (narrative_id, state, through_seq, updated_at)
      values (${narrativeId}, ${toBuffer(state)}, ${throughSeq}, now())
      on conflict (narrative_id) do update
        set state = excluded.state, through_seq = excluded.through_seq, updated_at = now()`
    await tx`delete from narrative_updates where narrative_id = ${narrativeId} and seq = any(${seqs}::bigint[])`
    return { folded: seqs.length, bytes: state.byteLength }
  })
}
