import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { allowConsoleError } from '#test/setup.ts'
import { useTestDatabase } from '#test/db.ts'
import { connectClient, createCollabFixture, loadStoredDoc, startCollabServer, type Fixture } from '#test/collab-helpers.ts'

const db = await useTestDatabase()
const sql = db.sql
let fx: Fixture
beforeAll(async () => {
  fx = await createCollabFixture(sql)
})
afterAll(async () => {
  await sql`drop trigger if exists fail_commits on narrative_updates`
})

test('a failing commit stays queued and is retried; nothing is acknowledged before it commits', async () => {
  const server = await startCollabServer(sql)
  const id = await fx.newNarrative()
  const c = connectClient(server.url, id, { cookie: fx.editor.cookie })
  try {
    await vi.waitFor(() => expect(c.provider.synced).toBe(true), { timeout: 15_000 })
    c.type('before. ')
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()), { timeout: 15_000 })
    const ackedBefore = c.ackedOnSocket()

    // The database refuses every insert into the log as a starting-up server does (57P03, a transient
    // error: retried until it works; a sequence counts attempts: it is not rolled back).
    await sql`create sequence if not exists commit_attempts`
    await sql.unsafe(`create or replace function fail_commit() returns trigger language plpgsql as $$
      begin perform nextval('commit_attempts'); raise exception 'database unavailable' using errcode = '57P03'; end $$`)
    await sql`create trigger fail_commits before insert on narrative_updates for each statement execute function fail_commit()`
    const [{ start }] = await sql<[{ start: string }]>`select nextval('commit_attempts') as start`
    c.type('during the outage. ')
    await vi.waitFor(
      async () => {
        const [{ n }] = await sql<[{ n: string }]>`select last_value as n from commit_attempts`
        expect(Number(n) - Number(start)).toBeGreaterThanOrEqual(3)
      },
      { timeout: 10_000 },
    )
    expect(c.ackedOnSocket()).toBe(ackedBefore)

    await sql`drop trigger fail_commits on narrative_updates`
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()), { timeout: 10_000 })
    expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('before. during the outage. ')
  } finally {
    c.destroy()
    await server.close()
  }
})

test('updates failing for a reason a retry cannot fix are handed back: the document reloads, the client re-sends, nothing is lost', async () => {
  allowConsoleError()
  const server = await startCollabServer(sql)
  const id = await fx.newNarrative()
  const c = connectClient(server.url, id, { cookie: fx.editor.cookie })
  try {
    await vi.waitFor(() => expect(c.provider.synced).toBe(true), { timeout: 15_000 })
    c.type('before. ')
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()), { timeout: 15_000 })
    // A non-transient failure (P0001, as a bad trigger or constraint would raise), for this narrative only.
    await sql.unsafe(`create or replace function refuse_rows() returns trigger language plpgsql as $$
      begin if new.narrative_id = '${id}' then raise exception 'refused'; end if; return new; end $$`)
    await sql`create trigger refuse_rows before insert on narrative_updates for each row execute function refuse_rows()`
    c.type('refused. ')
    // Not retried forever: after a few tries the document reloads and the client is asked to come back (4504)…
    await vi.waitFor(() => expect(c.closes.map((x) => x.code)).toContain(4504), { timeout: 15_000 })
    expect(c.ackedOn(1)).toBeLessThan(c.sentTotal())
    await sql`drop trigger refuse_rows on narrative_updates`
    // …and re-sends what was never acknowledged, which is stored this time.
    await vi.waitFor(() => expect(c.provider.synced && c.socketNo() > 1 && c.ackedOnSocket() === c.sentOnSocket()).toBe(true), {
      timeout: 15_000,
    })
    await vi.waitFor(async () => expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('before. refused. '), {
      timeout: 10_000,
    })
  } finally {
    c.destroy()
    await server.close()
  }
})

test('graceful shutdown commits what is pending before it closes the sockets (1001)', async () => {
  const server = await startCollabServer(sql)
  const id = await fx.newNarrative()
  const c = connectClient(server.url, id, { cookie: fx.editor.cookie })
  const locker = await sql.reserve()
  try {
    await vi.waitFor(() => expect(c.provider.synced).toBe(true), { timeout: 15_000 })
    await vi.waitFor(() => expect(c.ackedOnSocket()).toBe(c.sentOnSocket()), { timeout: 15_000 })
    await locker`begin`
    await locker`lock table narrative_updates in exclusive mode`
    c.type('pending at shutdown')
    // The commit is now waiting for the lock.
    await vi.waitFor(
      async () => {
        const [{ waiting }] = await sql<[{ waiting: number }]>`
        select count(*)::int as waiting from pg_locks where relation = 'narrative_updates'::regclass and not granted`
        expect(waiting).toBeGreaterThan(0)
      },
      { timeout: 15_000 },
    )
    const closing = server.close()
    await locker`commit`
    await closing
    expect(c.closes.map((x) => x.code)).toContain(1001)
    expect((await loadStoredDoc(sql, id)).getText('probe').toString()).toBe('pending at shutdown')
  } finally {
    locker.release()
    c.destroy()
  }
})
