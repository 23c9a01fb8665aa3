import http from 'node:http'
import { parseEnv } from './env.ts'
import { openDatabase, useDatabase, type Database } from '#db/client.ts'
import { migrate } from '#db/migrate.ts'
import { announceOrigins, createApp } from './app.ts'
import { purgeIdempotencyKeys } from '#db/queries/api-conventions.ts'
import { seedDemoIfEmpty } from './seed.ts'
import { log } from '#app/utils/log.ts'
import { attachCollab } from './collab/upgrade.ts'
import { attachBusToRedis, connectRedis, type RedisLink } from './events/redis.ts'
import { closePdfBrowser } from '#app/services/pdf.server.ts'
import { resanitizeStoredVersions } from '#app/services/versions.server.ts'
import { documentHooks } from '#app/services/narrative-changes.server.ts'

/** One line, no stack trace: what is wrong and how to fix it. */
function fail(message: string): never {
  console.error(`accord: ${message}`)
  process.exit(1)
}

async function main() {
  let env
  try {
    env = parseEnv()
  } catch (e) {
    fail((e as Error).message)
  }
  const dev = env.NODE_ENV === 'development'

  let db: Database
  try {
    db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR })
    await db.sql`select 1`
  } catch (e) {
    const where = env.DATABASE_URL ? 'DATABASE_URL' : `the embedded database in ${env.DATA_DIR}`
    fail(`cannot open ${where}: ${(e as Error).message}`)
  }
  try {
    const applied = await migrate(db.sql)
    if (applied.length) log.info(`applied ${applied.length} migration(s): ${applied.join(', ')}`)
    // Before anything serves a version: HTML stored by an older sanitizer is passed through the current one.
    const resanitized = await resanitizeStoredVersions(db.sql)
    if (resanitized) log.info(`re-sanitized the HTML of ${resanitized} stored version(s)`)
  } catch (e) {
    fail(`migrations failed: ${(e as Error).message}`)
  }
  useDatabase(db)

  const seedDemo = env.SEED_DEMO ?? db.embedded
  if (seedDemo) {
    const seeded = await seedDemoIfEmpty(db.sql, { password: env.DEMO_PASSWORD })
    if (seeded) log.info(seeded)
  }

  const app = createApp({
    sql: db.sql,
    dev,
    appUrl: env.APP_URL,
    trustProxy: env.TRUST_PROXY,
    apiRateLimit:
      env.API_RATE_LIMIT_PER_MINUTE === 0 ? false : { perMinute: env.API_RATE_LIMIT_PER_MINUTE, burst: env.API_RATE_LIMIT_BURST },
  })
  const server = http.createServer(app)
  // Idempotency keys answer for 24 hours; lookups ignore older ones, this clears them out.
  setInterval(
    () => void purgeIdempotencyKeys(db.sql).catch((e: unknown) => log.warn(`idempotency key purge failed: ${String(e)}`)),
    3_600_000,
  ).unref()

  // Several instances: REDIS_URL carries workspace events, document updates and awareness between
  // them. Without it (and always with the embedded database) everything stays in this process.
  const redisUrl = process.env.REDIS_URL
  let redis: RedisLink | null = null
  if (redisUrl && !db.embedded) {
    redis = connectRedis(redisUrl)
    await attachBusToRedis(redis)
    log.info('events and documents shared with other instances through Redis')
  } else if (redisUrl) {
    log.warn('REDIS_URL ignored: the embedded database is always a single instance')
  }

  const collab = attachCollab(server, { sql: db.sql, appUrl: env.APP_URL, redis, hooks: documentHooks(db.sql) })

  server.listen(env.PORT, env.HOST, () => {
    announceOrigins(server, env.APP_URL)
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : env.PORT
    // Tests and scripts read this line to find the port when PORT=0.
    console.log(`accord: listening on http://localhost:${port} (${db.embedded ? `embedded database in ${env.DATA_DIR}` : 'PostgreSQL'})`)
  })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down`)
    const force = setTimeout(() => process.exit(1), 15000)
    force.unref()
    server.close()
    server.closeAllConnections?.()
    try {
      await collab?.shutdown()
    } catch (e) {
      console.error('accord: collaboration shutdown failed', e)
    }
    await closePdfBrowser().catch(() => {})
    await db.close().catch(() => {})
    await redis?.close().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

void main()
