import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Sql } from './client.ts'

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url))

/** Applies every numbered migration not yet applied, in order, under an advisory lock. */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{5}_.+\.sql$/.test(f))
    .sort()
  return sql.begin(async (tx) => {
    // Several instances may start together: one migrates, the others wait and find nothing to do.
    await tx`select pg_advisory_xact_lock(74110001)`
    await tx`create table if not exists schema_migrations (
      version text primary key, applied_at timestamptz not null default now())`
    const done = new Set((await tx<{ version: string }[]>`select version from schema_migrations`).map((r) => r.version))
    const applied: string[] = []
    for (const file of files) {
      if (done.has(file)) continue
      await tx.unsafe(readFileSync(migrationsDir + file, 'utf8'))
      await tx`insert into schema_migrations (version) values (${file})`
      applied.push(file)
    }
    return applied
  })
}
