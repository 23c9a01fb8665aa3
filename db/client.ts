import postgres from 'postgres'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts'
import { singleton } from './singleton.ts'

export type Sql = postgres.Sql
export type TransactionSql = postgres.TransactionSql
/** A pool or a transaction: every query function takes one, so callers choose the transaction. */
export type Db = Sql | TransactionSql

export interface Database {
  sql: Sql
  /** True for the embedded PGlite: one connection, one instance, in-process events only. */
  embedded: boolean
  close: () => Promise<void>
}

const current = singleton('db', () => ({ db: null as Database | null }))

/** Opens a pool on `url`, or starts the embedded PGlite in `dataDir` when no url is given. */
export async function openDatabase(opts: { url?: string; dataDir: string; max?: number }): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null
  let url = opts.url
  if (!url) {
    embedded = await startEmbeddedDatabase(opts.dataDir)
    url = embedded.url
  }
  const sql = postgres(url, {
    // PGlite serves one protocol stream: a larger pool interleaves messages and returns wrong rows.
    max: embedded ? 1 : (opts.max ?? 10),
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: embedded ? 0 : 60,
    connection: { application_name: 'accord' },
  })
  return {
    sql,
    embedded: embedded !== null,
    close: async () => {
      await sql.end({ timeout: 5 })
      await embedded?.stop()
    },
  }
}

/** Makes `db` the process-wide database that services use. */
export function useDatabase(db: Database | null) {
  current.db = db
}

/** The process-wide pool; throws when the server has not opened one yet. */
export function getSql(): Sql {
  if (!current.db) throw new Error('Database not opened: call useDatabase() at start-up')
  return current.db.sql
}

export function isEmbedded(): boolean {
  return current.db?.embedded ?? false
}
