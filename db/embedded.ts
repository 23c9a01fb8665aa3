import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export interface EmbeddedDatabase {
  url: string
  stop: () => Promise<void>
}

/**
 * Starts PGlite with its files in `dataDir` and serves it on a private loopback port, so the
 * same postgres.js code runs against it as against a real server (pool size must be 1).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true })
  const db = await PGlite.create(dataDir)
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 })
  await server.start()
  const conn = server.getServerConn() // "127.0.0.1:PORT"
  return {
    url: `postgres://postgres@${conn}/postgres`,
    stop: async () => {
      await server.stop()
      await db.close()
    },
  }
}
