import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, useDatabase, type Database } from '#db/client.ts'
import { migrate } from '#db/migrate.ts'
import { signIn, signUp } from '#app/services/accounts.server.ts'
import { createNarrative, getNarrativeFor, listNarrativesFor } from '#app/services/narratives.server.ts'
import { search } from '#app/services/search.server.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { changeRole, createInvite, removeMember, signUpWithInvite } from '#app/services/workspaces.server.ts'

// The storage layer against the embedded PGlite (what `npm start` uses without DATABASE_URL),
// through the same functions as on PostgreSQL. Creating a PGlite database takes seconds: once here.
const dataDir = mkdtempSync(path.join(tmpdir(), 'accord-pglite-'))
let db: Database | null = null

afterAll(async () => {
  useDatabase(null)
  await db?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('embedded database (PGlite)', () => {
  it('migrates, signs up, invites, stores and lists narratives; data survives a restart', { timeout: 90_000 }, async () => {
    db = await openDatabase({ dataDir })
    expect(db.embedded).toBe(true)
    const applied = await migrate(db.sql)
    expect(applied.length).toBeGreaterThan(0)
    expect(await migrate(db.sql)).toEqual([])
    useDatabase(db)

    const { user, workspace } = await signUp({ name: 'Maya', email: 'maya@example.test', password: 'correct horse', workspaceName: 'Acme' })
    const owner = { userId: user.id, workspaceId: workspace.id, role: 'owner' as const }
    // Unique violations inside a transaction work here too (savepoint), and roll back the sign-up.
    await expect(
      signUp({ name: 'Again', email: 'maya@example.test', password: 'correct horse', workspaceName: 'Other' }),
    ).rejects.toMatchObject({ status: 409 })
    expect(await db.sql`select name from workspaces`).toEqual([{ name: 'Acme' }])

    const { token } = await createInvite(owner, { role: 'editor', function: 'marketing', email: 'claire@example.test' })
    const { user: editor } = await signUpWithInvite({ token, name: 'Claire', email: 'claire@example.test', password: 'correct horse' })
    await changeRole(owner, { userId: editor.id, role: 'commenter' })

    const a = await createNarrative(owner, { title: 'FY27 pipeline', template: 'strategy' })
    const b = await createNarrative(owner, { title: 'Launch PR/FAQ', template: 'prfaq' })
    expect(a).toMatchObject({ title: 'FY27 pipeline', template: 'strategy', status: 'draft', ownerName: 'Maya', workspaceId: workspace.id })
    const listed = await listNarrativesFor(owner, {})
    expect(listed.map((n) => n.id).sort()).toEqual([a.id, b.id].sort())
    expect((await listNarrativesFor(owner, { q: 'pr/faq' })).map((n) => n.id)).toEqual([b.id])
    // Full-text search (the 'english' configuration, generated tsvector columns, ts_headline) works here too.
    await updateNarrativeDerived(db.sql, { id: b.id, text: 'Press release\n\nPipeline doubles.', excerpt: '', outline: [], wordCount: 4 })
    const found = await search(owner, { q: 'pipe', type: 'narrative', limit: 10 })
    expect(found.map((h) => h.id).sort()).toEqual([a.id, b.id].sort())
    expect(found.find((h) => h.id === b.id)!.parts).toContainEqual({ text: 'Pipeline', match: true })
    await removeMember(owner, { userId: editor.id })

    // Restart on the same data directory: everything is still there.
    useDatabase(null)
    await db.close()
    db = await openDatabase({ dataDir })
    useDatabase(db)
    expect(await migrate(db.sql)).toEqual([])
    const again = await signIn({ email: 'maya@example.test', password: 'correct horse', ip: 'pglite' })
    expect(again.user.id).toBe(user.id)
    await expect(getNarrativeFor(owner, a.id)).resolves.toMatchObject({ title: 'FY27 pipeline' })
    expect(await db.sql`select count(*)::int as n from memberships`).toEqual([{ n: 1 }])
  })
})
