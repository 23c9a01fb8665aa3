import { randomBytes } from 'node:crypto'
import { afterAll } from 'vitest'
import { openDatabase, useDatabase, type Database } from '#db/client.ts'
import { adminSql, urlFor } from './pg.ts'

/**
 * A fresh database for this test file, copied from the migrated template, opened as the
 * process-wide database (services use it), and dropped after the file.
 */
export async function useTestDatabase(): Promise<Database & { url: string }> {
  const run = process.env.ACCORD_TEST_RUN ?? 'local'
  const name = `accord_test_${randomBytes(4).toString('hex')}_${run}`
  const admin = adminSql()
  await admin.unsafe(`create database ${name} template accord_test_tpl_${run}`)
  await admin.end()
  const url = urlFor(name)
  const db = await openDatabase({ url, dataDir: '', max: 5 })
  useDatabase(db)
  afterAll(async () => {
    useDatabase(null)
    await db.close()
    const a = adminSql()
    await a.unsafe(`drop database if exists ${name} with (force)`)
    await a.end()
  })
  return { ...db, url }
}
