/**
 * Reading-view benchmark: an approved narrative the size of B4 (the automerge-paper trace's final
 * text, 104,852 characters, as paragraphs) is read by 100 concurrent readers (autocannon) through
 * the real server (a child process: Express + Remix, PostgreSQL), and the same HTML is served as a
 * static file by the same server. Prints p50/p99 and the ratio. Targets: p99 < 50 ms and within
 * 3× of the static file. Run: `tsx bench/read.ts` (DURATION=10 seconds per run by default; needs
 * `remix build`, done here when build/ is missing).
 */
import { spawn, execSync } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import autocannon from 'autocannon'
import { migrate } from '#db/migrate.ts'
import { openDatabase, useDatabase } from '#db/client.ts'
import { insertNarrative } from '#db/queries/narratives.ts'
import { upsertMembership } from '#db/queries/workspaces.ts'
import { createSession, createUser, createWorkspace } from '#app/services/accounts.server.ts'
import { addCommitment } from '#app/services/metrics/commitments.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { decideReview, requestReview } from '#app/services/reviews.server.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { commitSessionCookie } from '#app/utils/auth.server.ts'
import { buildMarkdownUpdate, seedNarrativeContent } from '#app/document/content.ts'
import { loadTrace } from './collab/trace.ts'
import { adminSql, urlFor } from '../test/pg.ts'

const PORT = Number(process.env.BENCH_READ_PORT ?? 3272)
const DURATION = Number(process.env.DURATION ?? 10)
const CONNECTIONS = 100
const STATIC_FILE = `public/bench-read-${process.pid}.html`

const log = (s: string) => console.log(s)

async function main() {
  if (!existsSync('build/index.js')) execSync('npx remix build', { stdio: 'inherit' })
  const name = `accord_bench_read_${randomBytes(3).toString('hex')}`
  const admin = adminSql()
  await admin.unsafe(`create database ${name}`)
  const url = urlFor(name)
  const db = await openDatabase({ url, dataDir: '' })
  useDatabase(db)
  let child: ReturnType<typeof spawn> | null = null
  try {
    await migrate(db.sql)
    // People: the CMO writes and approves; the CEO reads.
    const cmo = await createUser(db.sql, { name: 'Claire Morgan', email: 'cmo@bench.test', password: 'bench-password-1' })
    const ceo = await createUser(db.sql, { name: 'Carlos Evans', email: 'ceo@bench.test', password: 'bench-password-1' })
    const ws = await createWorkspace(db.sql, { name: 'Bench', userId: cmo.id, role: 'owner', function: 'marketing' })
    await upsertMembership(db.sql, { workspaceId: ws.id, userId: ceo.id, role: 'reader', function: 'leadership' })
    // The approval policy wants a second person: the MOps lead approves too.
    const mops = await createUser(db.sql, { name: 'Maya Okafor', email: 'mops@bench.test', password: 'bench-password-1' })
    await upsertMembership(db.sql, { workspaceId: ws.id, userId: mops.id, role: 'editor', function: 'marketing_ops' })
    const actor = { userId: cmo.id, workspaceId: ws.id, role: 'owner' as const }

    // B4's final text as a narrative (paragraphs), approved through the services.
    const trace = loadTrace('automerge-paper.json.gz')
    const markdown = trace.endContent
      .split(/\n{2,}/)
      .map((p) => p.replace(/\n/g, ' ').trim())
      .filter(Boolean)
      .join('\n\n')
    const narrative = (await insertNarrative(db.sql, { workspaceId: ws.id, title: 'B4 narrative', template: 'blank', ownerId: cmo.id }))!
    await seedNarrativeContent(db.sql, narrative.id, buildMarkdownUpdate(markdown), { authorId: cmo.id })
    await createMetric(
      actor,
      MetricInputSchema.parse({
        key: 'pipeline',
        name: 'Pipeline',
        unit: 'currency',
        currency: 'USD',
        direction: 'higher',
        indicator: 'lagging',
        aggregation: 'sum',
      }),
    )
    await addCommitment(actor, narrative.id, {
      metricKey: 'pipeline',
      baseline: 4e6,
      target: 4.6e6,
      granularity: 'quarter',
      dueOn: '2099-03-31',
      note: '',
    })
    await requestReview(actor, narrative.id, { approverIds: [cmo.id, mops.id] })
    await decideReview(actor, narrative.id, { decision: 'approve', note: '' })
    await decideReview({ userId: mops.id, workspaceId: ws.id, role: 'editor' }, narrative.id, { decision: 'approve', note: '' })
    const session = await createSession(db.sql, { userId: ceo.id, workspaceId: ws.id })
    const cookie = (await commitSessionCookie(new Request('http://localhost/'), session.token)).split(';')[0]!

    // BENCH_CPU_PROF=dir writes a V8 CPU profile of the server to dir (node --cpu-prof).
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
    child = spawn(process.execPath, [...prof, '--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(PORT), NODE_ENV: 'production', LOG_LEVEL: 'warn', SEED_DEMO: 'false' },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    const base = `http://127.0.0.1:${PORT}`
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break
      } catch {
        /* not up yet */
      }
      if (i > 300) throw new Error('the server did not start')
      await new Promise((r) => setTimeout(r, 100))
    }
    const page = await fetch(`${base}/read/${narrative.id}`, { headers: { cookie } })
    if (!page.ok) throw new Error(`reading view answered ${page.status}`)
    const html = await page.text()
    writeFileSync(STATIC_FILE, html)
    log(
      `reading view of an approved B4-size narrative: ${markdown.length.toLocaleString('en-US')} characters of text, ${(html.length / 1024).toFixed(0)} kB of HTML`,
    )

    const run = async (label: string, path: string, headers: Record<string, string>) => {
      await autocannon({ url: base + path, connections: 10, duration: 2, headers }) // warm-up
      const r = await autocannon({ url: base + path, connections: CONNECTIONS, duration: DURATION, headers })
      const bad = r.non2xx + r.errors + r.timeouts
      log(
        `${label.padEnd(34)} p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ${Math.round(r.requests.average).toLocaleString('en-US').padStart(6)} req/s${bad ? `   (${bad} failed)` : ''}`,
      )
      return r
    }
    log(
      `${CONNECTIONS} concurrent readers, ${DURATION} s each (this machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}):`,
    )
    const dynamic = await run('/read/ID (session, PostgreSQL)', `/read/${narrative.id}`, { cookie })
    const staticRun = await run('same HTML as a static file', `/${STATIC_FILE.slice('public/'.length)}`, {})
    const ratio = dynamic.latency.p99 / Math.max(1, staticRun.latency.p99)
    log(
      `p99 ratio reading view / static: ${ratio.toFixed(2)}×  (targets: p99 < 50 ms ${dynamic.latency.p99 < 50 ? 'met' : 'NOT met'}; within 3× of static ${ratio <= 3 ? 'met' : 'NOT met'})`,
    )
  } finally {
    if (child) {
      child.kill('SIGTERM')
      await new Promise((r) => child!.once('exit', r))
    }
    rmSync(STATIC_FILE, { force: true })
    useDatabase(null)
    await db.close()
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
