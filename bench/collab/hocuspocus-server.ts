/**
 * The Hocuspocus anchor: @hocuspocus/server with @hocuspocus/extension-database storing each
 * document's full state (V1) in a PostgreSQL table of its own (hocuspocus_documents, in the
 * bench's database). Defaults kept: onStoreDocument debounced 2 s, at most 10 s. Port from PORT
 * (0 = any); prints `hocuspocus: listening on PORT`.
 *
 * "Stored" is counted honestly for the bench: every update the server applies is counted
 * (onChange); when a store starts it notes that count per document, and when the store has
 * committed, those updates are stored. The counters are read over the bench's IPC hook.
 */
import postgres from 'postgres'
import { Server } from '@hocuspocus/server'
import { Database } from '@hocuspocus/extension-database'
import './ipc-hook.ts'

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} })
await sql`create table if not exists hocuspocus_documents (name text primary key, data bytea not null, updated_at timestamptz not null default now())`

const counters = { applied: 0, stored: 0, stores: 0 }
;(globalThis as { __benchCounters?: unknown }).__benchCounters = counters
const appliedPerDoc = new Map<string, number>()
const storedPerDoc = new Map<string, number>()

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions: [
    {
      async onChange({ documentName }: { documentName: string }) {
        counters.applied++
        appliedPerDoc.set(documentName, (appliedPerDoc.get(documentName) ?? 0) + 1)
      },
    },
    new Database({
      fetch: async ({ documentName }) => {
        const [row] = await sql<{ data: Buffer }[]>`select data from hocuspocus_documents where name = ${documentName}`
        return row ? new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) : null
      },
      store: async ({ documentName, state }) => {
        const upTo = appliedPerDoc.get(documentName) ?? 0
        await sql`insert into hocuspocus_documents (name, data) values (${documentName}, ${Buffer.from(state)})
          on conflict (name) do update set data = excluded.data, updated_at = now()`
        const before = storedPerDoc.get(documentName) ?? 0
        if (upTo > before) {
          counters.stored += upTo - before
          storedPerDoc.set(documentName, upTo)
        }
        counters.stores++
      },
    }),
  ],
})
await server.listen()
console.log(`hocuspocus: listening on ${server.address.port}`)

const stop = () => {
  server.hocuspocus.flushPendingStores()
  setTimeout(() => {
    void server.destroy().finally(async () => {
      await sql.end({ timeout: 2 })
      process.exit(0)
    })
  }, 500)
  setTimeout(() => process.exit(0), 10_000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
