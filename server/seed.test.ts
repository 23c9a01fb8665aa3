import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { adminSql, TEMPLATE_DB, urlFor } from '#test/pg.ts'
import { buildOwner } from '#test/factories.ts'
import { signIn } from '#app/services/accounts.server.ts'
import { DEMO_PEOPLE, seedDemoIfEmpty } from './seed.ts'
import { $resolveAnchor } from '#app/document/anchors.ts'
import { listThreads } from '#db/queries/comments.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { storedLogToUpdate } from '#app/document/stored-log.ts'
import { listNarratives } from '#db/queries/narratives.ts'
import { listCommitments, listMetrics } from '#db/queries/metrics.ts'
import { deriveContent } from '#app/document/content.ts'
import { readDocWithBinding } from '#app/document/lexical.ts'

const db = await useTestDatabase()

describe('demo seed', () => {
  it('seeds Acme with its five people on an empty database, then never again', async () => {
    const message = await seedDemoIfEmpty(db.sql, { password: 'demo-password-1' })
    expect(message).toMatch(/Acme/)
    for (const p of DEMO_PEOPLE) expect(message).toContain(p.email)
    expect(message).toContain('demo-password-1')

    const members = await db.sql<{ email: string; role: string; function: string }[]>`
      select u.email, m.role, m.function from memberships m join users u on u.id = m.user_id
      join workspaces w on w.id = m.workspace_id where w.name = 'Acme' order by u.email`
    expect(members).toEqual([
      { email: 'ceo@acme.test', role: 'reader', function: 'leadership' },
      { email: 'cmo@acme.test', role: 'editor', function: 'marketing' },
      { email: 'finance@acme.test', role: 'commenter', function: 'finance' },
      { email: 'mops@acme.test', role: 'owner', function: 'marketing_ops' },
      { email: 'sales@acme.test', role: 'commenter', function: 'sales' },
    ])
    await expect(signIn({ email: 'cmo@acme.test', password: 'demo-password-1', ip: 'seed-test' })).resolves.toMatchObject({
      user: { email: 'cmo@acme.test' },
    })

    const counts = () => db.sql`select (select count(*)::int from users) as u, (select count(*)::int from workspaces) as w`
    const before = await counts()
    expect(await seedDemoIfEmpty(db.sql, { password: 'demo-password-2' })).toBeNull()
    expect(await counts()).toEqual(before)
  })

  it("anchors the demo's margin comments to their sentences, as the browser would resolve them", async () => {
    const [workspace] = await db.sql<{ id: string }[]>`select id from workspaces where name = 'Acme'`
    const [narrative] = await listNarratives(db.sql, { workspaceId: workspace!.id, q: 'FY27 account-based pipeline strategy' })
    const threads = await listThreads(db.sql, { workspaceId: workspace!.id, narrativeId: narrative!.id })
    expect(threads.length).toBe(3)
    const log = await getNarrativeLog(db.sql, narrative!.id)
    const update = storedLogToUpdate(log)
    for (const t of threads) {
      const resolved = readDocWithBinding(update, (binding) => $resolveAnchor(binding, t.anchorStart!, t.anchorEnd!, t.quote!))
      expect(resolved?.text).toBe(t.quote)
    }
    expect(threads.filter((t) => t.resolvedAt).length).toBe(1)
    // Replies read in the order they were written, though the seed writes them in one transaction.
    const budget = threads.find((t) => t.quote?.startsWith('Moving $180K'))!
    expect(budget.comments.map((c) => c.body.slice(0, 12))).toEqual(['@Claire Morg', 'Q2 onwards. ', 'Then I can s'])
  })

  it('the strategy narrative commits to its goals through $ chips; the funnel has leads accepted and rejected', async () => {
    const [workspace] = await db.sql<{ id: string }[]>`select id from workspaces where name = 'Acme'`
    const [narrative] = await listNarratives(db.sql, { workspaceId: workspace!.id, q: 'FY27 account-based pipeline strategy' })
    const log = await getNarrativeLog(db.sql, narrative!.id)
    expect(deriveContent(storedLogToUpdate(log)).refs.map((r) => r.refKey)).toEqual(['pipeline', 'mql_to_sql', 'target_account_engagement'])
    const commitments = await listCommitments(db.sql, { workspaceId: workspace!.id, narrativeId: narrative!.id })
    expect(commitments.map((c) => [c.metricKey, c.source, c.dueOn])).toEqual([
      ['pipeline', 'text', '2027-03-31'],
      ['mql_to_sql', 'text', '2027-03-31'],
      ['target_account_engagement', 'text', '2027-03-31'],
    ])
    expect(commitments.map((c) => c.target)).toEqual([4.6e6, 19, 60])
    expect(commitments.every((c) => c.baseline < c.target)).toBe(true)
    const metrics = await listMetrics(db.sql, workspace!.id)
    expect(metrics.length).toBe(17)
    expect(
      metrics
        .filter((m) => m.funnelStep !== null)
        .sort((a, b) => a.funnelStep! - b.funnelStep!)
        .map((m) => m.key),
    ).toEqual(['mqls', 'leads_accepted', 'sqls', 'opportunities', 'deals_won'])
  })

  it('never seeds into a database that already has (non-demo) users', async () => {
    const name = `accord_test_seed_${process.pid}_${process.env.ACCORD_TEST_RUN ?? 'local'}`
    const admin = adminSql()
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`)
    const other = postgres(urlFor(name), { max: 2, onnotice: () => {} })
    try {
      await other`insert into users (email, name, password_hash) values ('someone@example.test', 'Someone', 'x')`
      expect(await seedDemoIfEmpty(other, { password: 'accord-demo' })).toBeNull()
      expect(await other`select email from users`).toEqual([{ email: 'someone@example.test' }])
      expect(await other`select 1 from workspaces`).toHaveLength(0)
    } finally {
      await other.end()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })

  it('a database that only has sign-ups gets no demo either', async () => {
    await buildOwner()
    expect(await seedDemoIfEmpty(db.sql, { password: 'accord-demo' })).toBeNull()
  })
})
