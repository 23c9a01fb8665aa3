// A collaboration server in its own process, for tests that kill it with -9.
// Env: DATABASE_URL (required), PORT (0 = any), COLLAB_LIMITS (optional JSON, Partial<Limits>).
// Prints "listening on PORT" once ready.
import http from 'node:http'
import { openDatabase, useDatabase } from '#db/client.ts'
import { attachCollab } from '#server/collab/upgrade.ts'
import { documentHooks } from '#app/services/narrative-changes.server.ts'
import type { Limits } from '#server/collab/limits.ts'
import { attachBusToRedis, connectRedis } from '#server/events/redis.ts'

const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: '', max: 5 })
useDatabase(db)
const server = http.createServer((_req, res) => res.writeHead(404).end())
// REDIS_URL: one of several instances sharing documents and events through Redis.
const redis = process.env.REDIS_URL ? connectRedis(process.env.REDIS_URL) : null
if (redis) await attachBusToRedis(redis)
const limits = process.env.COLLAB_LIMITS ? (JSON.parse(process.env.COLLAB_LIMITS) as Partial<Limits>) : undefined
const collab = attachCollab(server, { sql: db.sql, redis, limits, hooks: documentHooks(db.sql) })
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.log(`listening on ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => {
  void collab.shutdown().then(async () => {
    server.close()
    await db.close()
    await redis?.close()
    process.exit(0)
  })
})
