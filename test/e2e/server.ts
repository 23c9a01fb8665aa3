/**
 * The real server for end-to-end tests: a fresh PostgreSQL database per run (or, when no
 * PostgreSQL answers, the embedded one in a temporary folder), the demo seed, then server/index.ts.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { adminSql, urlFor } from '../pg.ts'

const name = `accord_e2e_${process.pid}`
try {
  const admin = adminSql()
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  process.env.DATABASE_URL = urlFor(name)
  const drop = async () => {
    const a = adminSql()
    await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
    await a.end()
  }
  process.once('exit', () => void drop())
} catch {
  console.warn('e2e: no PostgreSQL at the test address; using the embedded database')
  delete process.env.DATABASE_URL
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), 'accord-e2e-'))
}
process.env.SEED_DEMO = 'true'
await import('../../server/index.ts')
