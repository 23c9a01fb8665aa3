/** `npm run db:migrate` and `npm run db:seed`: the same code the server runs at start. */
import { parseEnv } from '#server/env.ts'
import { openDatabase } from '#db/client.ts'
import { migrate } from '#db/migrate.ts'
import { seedDemoIfEmpty } from '#server/seed.ts'

const command = process.argv[2]
try {
  const env = parseEnv()
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR })
  try {
    const applied = await migrate(db.sql)
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'migrations: up to date')
    if (command === 'seed') {
      const { useDatabase } = await import('#db/client.ts')
      useDatabase(db)
      const message = await seedDemoIfEmpty(db.sql, { password: env.DEMO_PASSWORD })
      console.log(message ?? 'seed: the database already has users; nothing seeded')
    }
  } finally {
    await db.close()
  }
} catch (e) {
  console.error(`accord: ${(e as Error).message}`)
  process.exit(1)
}
