import type { Db } from '../client.ts'

/** Failures per key within the last `minutes`. */
export async function countRecentFailures(db: Db, keys: string[], minutes: number) {
  const rows = await db<{ key: string; n: number }[]>`
    select key, count(*)::int as n from sign_in_failures
    where key in ${db(keys)} and failed_at > now() - make_interval(mins => ${minutes})
    group by key`
  return Math.max(0, ...rows.map((r) => r.n))
}

export async function recordFailure(db: Db, keys: string[]) {
  await db`insert into sign_in_failures ${db(keys.map((key) => ({ key })))}`
}

/** Takes back the newest attempt recorded under each of `keys` (one row per key). */
export async function forgetLatestAttempt(db: Db, keys: string[]) {
  await db`delete from sign_in_failures where ctid in (
    select distinct on (key) ctid from sign_in_failures where key in ${db(keys)} order by key, failed_at desc)`
}

export async function clearFailures(db: Db, key: string) {
  await db`delete from sign_in_failures where key = ${key}`
}

export async function pruneFailures(db: Db) {
  await db`delete from sign_in_failures where failed_at < now() - interval '1 day'`
}
