import { notFound, preconditionFailed } from '#app/domain/errors.ts'
import type { Db } from '#db/client.ts'
import { touchIfVersion, type VersionedRef } from '#db/queries/api-conventions.ts'

/** The row versions an `If-Match` header allows, or null for an unconditional write. */
export type IfMatch = number[] | null

/**
 * Called first inside an update's transaction: with an If-Match, the row must still be at one of
 * those versions (compared in the UPDATE's WHERE, so no other write can slip in between);
 * otherwise 412 and the transaction writes nothing.
 */
export async function assertIfMatch(tx: Db, ref: VersionedRef, ifMatch: IfMatch | undefined, what: string) {
  if (!ifMatch) return
  const ok = await touchIfVersion(tx, ref, ifMatch)
  if (ok === null) throw notFound(what)
  if (!ok) throw preconditionFailed(`The ${what.toLowerCase()} changed since you read it`, { stale: true })
}
