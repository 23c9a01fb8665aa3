import type { Db } from '../client.ts'

// ---------- Idempotency keys ----------

export interface IdempotencyRow {
  requestHash: string
  status: number | null
  contentType: string | null
  location: string | null
  body: string | null
}

/**
 * Claims `key` for a running request: true when this request now owns it. A key older than 24 h
 * is forgotten first, so it can be used again.
 */
export async function claimIdempotencyKey(db: Db, k: { userId: string; workspaceId: string; key: string; requestHash: string }) {
  await db`
    delete from idempotency_keys
    where user_id = ${k.userId} and workspace_id = ${k.workspaceId} and key = ${k.key}
      and created_at < now() - interval '24 hours'`
  const rows = await db`
    insert into idempotency_keys (user_id, workspace_id, key, request_hash)
    values (${k.userId}, ${k.workspaceId}, ${k.key}, ${k.requestHash})
    on conflict (user_id, workspace_id, key) do nothing
    returning 1`
  return rows.length === 1
}

export async function getIdempotencyKey(db: Db, k: { userId: string; workspaceId: string; key: string }) {
  const [row] = await db<IdempotencyRow[]>`
    select request_hash as "requestHash", status, content_type as "contentType", location, body
    from idempotency_keys
    where user_id = ${k.userId} and workspace_id = ${k.workspaceId} and key = ${k.key}
      and created_at >= now() - interval '24 hours'`
  return row ?? null
}

export async function storeIdempotentResponse(
  db: Db,
  k: { userId: string; workspaceId: string; key: string },
  r: { status: number; contentType: string | null; location: string | null; body: string },
) {
  await db`
    update idempotency_keys
    set status = ${r.status}, content_type = ${r.contentType}, location = ${r.location}, body = ${r.body}
    where user_id = ${k.userId} and workspace_id = ${k.workspaceId} and key = ${k.key}`
}

/** Frees a key whose request failed, so the client may retry with it. */
export async function releaseIdempotencyKey(db: Db, k: { userId: string; workspaceId: string; key: string }) {
  await db`
    delete from idempotency_keys
    where user_id = ${k.userId} and workspace_id = ${k.workspaceId} and key = ${k.key} and status is null`
}

/** Keys past their 24 hours (called now and then; lookups ignore them anyway). */
export async function purgeIdempotencyKeys(db: Db) {
  await db`delete from idempotency_keys where created_at < now() - interval '24 hours'`
}

// ---------- Row versions (ETags) ----------

/** The tables whose rows carry a `row_version` (migration 00090). */
export type VersionedTable = 'narratives' | 'systems' | 'capabilities' | 'integrations' | 'metrics' | 'initiatives'

/** How a versioned row is found: by id, or (metrics) by key. Always within one workspace. */
export type VersionedRef = { table: VersionedTable; workspaceId: string } & ({ id: string } | { key: string })

function whereOf(db: Db, ref: VersionedRef) {
  return 'id' in ref ? db`id = ${ref.id} and workspace_id = ${ref.workspaceId}` : db`key = ${ref.key} and workspace_id = ${ref.workspaceId}`
}

export async function getRowVersion(db: Db, ref: VersionedRef): Promise<number | null> {
  const [row] = await db<{ v: string }[]>`select row_version::text as v from ${db(ref.table)} where ${whereOf(db, ref)}`
  return row ? Number(row.v) : null
}

/**
 * Compare-and-set inside the caller's transaction: touches the row only when its version is one
 * of `expected` (the trigger then bumps it), taking the row lock. A concurrent writer with the
 * same If-Match waits for the lock, re-reads the row and no longer matches: exactly one wins.
 * Null: the row is gone; false: it changed.
 */
export async function touchIfVersion(db: Db, ref: VersionedRef, expected: number[]): Promise<boolean | null> {
  const rows = await db`
    update ${db(ref.table)} set row_version = row_version
    where ${whereOf(db, ref)} and row_version = any(${expected.map(String)}::bigint[])
    returning 1`
  if (rows.length === 1) return true
  return (await getRowVersion(db, ref)) === null ? null : false
}

// ---------- Keyset pages ----------

/**
 * A page of a list ordered by (timestamp, uuid): the rows after `after` (the last row of the
 * previous page, its timestamp in epoch microseconds so no precision is lost) and one more than
 * `limit`, which only says whether another page follows.
 */
export interface Keyset {
  after: { micros: string; id: string } | null
  limit: number
}

/** The sort timestamp of a row, exact, as a cursor keeps it. */
export const microsOf = (db: Db, column: string) => db`(extract(epoch from ${db(column)}) * 1000000)::bigint::text`

/** `and (time, id)` after the cursor, for the given directions. */
export function keysetAfter(db: Db, k: Keyset | undefined, cols: { time: string; id: string; timeDesc: boolean; idDesc: boolean }) {
  if (!k?.after) return db``
  const t = db`(timestamptz 'epoch' + ${k.after.micros}::bigint * interval '1 microsecond')`
  const time = db(cols.time)
  const id = db(cols.id)
  return db`and (${time} ${db.unsafe(cols.timeDesc ? '<' : '>')} ${t}
    or (${time} = ${t} and ${id} ${db.unsafe(cols.idDesc ? '<' : '>')} ${k.after.id}::uuid))`
}
