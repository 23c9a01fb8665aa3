import { readdirSync } from 'node:fs'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { adminSql, urlFor } from '#test/pg.ts'
import { migrate } from './migrate.ts'

const name = `accord_test_mig_${process.pid}_${process.env.ACCORD_TEST_RUN ?? 'local'}`
const admin = adminSql()
await admin.unsafe(`create database ${name}`)
const sql = postgres(urlFor(name), { max: 4, onnotice: () => {} })

afterAll(async () => {
  await sql.end()
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.end()
})

const migrationFiles = readdirSync(new URL('./migrations/', import.meta.url))
  .filter((f) => /^\d{5}_.+\.sql$/.test(f))
  .sort()

const schema = () => sql`
  select table_name, column_name, data_type, is_nullable, column_default
  from information_schema.columns where table_schema = 'public'
  order by table_name, ordinal_position`

describe('migrate', () => {
  it('applies every numbered migration in order on an empty database, then nothing the second time', async () => {
    expect(migrationFiles.length).toBeGreaterThan(0)
    expect(await migrate(sql)).toEqual(migrationFiles)
    const before = await schema()
    expect(before.length).toBeGreaterThan(10)
    expect(await migrate(sql)).toEqual([])
    expect(await schema()).toEqual(before)
    expect((await sql<{ version: string }[]>`select version from schema_migrations order by version`).map((r) => r.version)).toEqual(
      migrationFiles,
    )
  })

  it('several instances starting together: one migrates, the others find nothing to do', async () => {
    const fresh = `${name}_b`
    await admin.unsafe(`create database ${fresh}`)
    const pools = [0, 1, 2].map(() => postgres(urlFor(fresh), { max: 1, onnotice: () => {} }))
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)))
      expect(results.flat().sort()).toEqual(migrationFiles)
    } finally {
      await Promise.all(pools.map((p) => p.end()))
      await admin.unsafe(`drop database if exists ${fresh} with (force)`)
    }
  })
})
