import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildWorkspace, PASSWORD } from '#test/factories.ts'
import { startApp } from '#test/routes.ts'
import { signIn } from './accounts.server.ts'
import { listAuditFor, recordAudit } from './audit.server.ts'
import { exportInventoryCsv } from '#app/services/inventory/import.server.ts'
import { changeRole, createApiToken, issueApiTokenWithPassword, listApiTokens, removeMember, revokeApiToken } from './workspaces.server.ts'

const db = await useTestDatabase()
const sql = db.sql

const actions = async (actor: Parameters<typeof listAuditFor>[0]) => (await listAuditFor(actor, {})).map((e) => e.action)

describe('the audit log', () => {
  it('records sign-ins and failed attempts (in every workspace of the person) with the address', async () => {
    const ws = await buildWorkspace()
    await expect(signIn({ email: ws.editor.email, password: 'wrong password', ip: '203.0.113.7' })).rejects.toMatchObject({ status: 400 })
    await signIn({ email: ws.owner.email, password: PASSWORD, ip: '203.0.113.8' })
    const events = await listAuditFor(ws.owner.actor, {})
    const failed = events.find((e) => e.action === 'auth.sign_in_failed')!
    expect(failed).toMatchObject({ actorId: ws.editor.id, ip: '203.0.113.7', meta: { via: 'form', email: ws.editor.email } })
    expect(events.find((e) => e.action === 'auth.sign_in')).toMatchObject({ actorId: ws.owner.id, ip: '203.0.113.8' })
    // An unknown e-mail is recorded without a workspace: no owner sees it, nothing fails.
    await expect(signIn({ email: 'nobody@example.test', password: 'x', ip: '203.0.113.9' })).rejects.toMatchObject({ status: 400 })
    const [{ count }] = await sql<[{ count: number }]>`
      select count(*)::int as count from audit_events where workspace_id is null and ip = '203.0.113.9'`
    expect(count).toBe(1)
  })

  it('records role changes and removals in the same transaction as the change', async () => {
    const ws = await buildWorkspace()
    await changeRole(ws.owner.actor, { userId: ws.commenter.id, role: 'editor' })
    await removeMember(ws.owner.actor, { userId: ws.reader.id })
    const events = await listAuditFor(ws.owner.actor, {})
    expect(events.find((e) => e.action === 'member.role_changed')).toMatchObject({
      actorId: ws.owner.id,
      target: ws.commenter.name,
      meta: { userId: ws.commenter.id, from: 'commenter', to: 'editor' },
    })
    expect(events.find((e) => e.action === 'member.removed')).toMatchObject({ target: ws.reader.name, meta: { role: 'reader' } })
    // A refused change (the last owner) leaves no event.
    await expect(changeRole(ws.owner.actor, { userId: ws.owner.id, role: 'editor' })).rejects.toMatchObject({ status: 409 })
    expect((await actions(ws.owner.actor)).filter((a) => a === 'member.role_changed')).toHaveLength(1)
  })

  it('records token creation, revocation and exports; owners only, own workspace only', async () => {
    const ws = await buildWorkspace()
    const other = await buildWorkspace()
    await createApiToken(ws.owner.actor, { name: 'Warehouse sync', scope: 'read' })
    const [token] = await listApiTokens(ws.owner.actor)
    await revokeApiToken(ws.owner.actor, token!.id)
    await exportInventoryCsv(ws.editor.actor, 'systems')
    const events = await listAuditFor(ws.owner.actor, {})
    expect(events.find((e) => e.action === 'token.created')).toMatchObject({
      target: `Warehouse sync (${token!.prefix}…)`,
      meta: { scope: 'read' },
    })
    expect(events.find((e) => e.action === 'token.revoked')).toMatchObject({
      target: `Warehouse sync (${token!.prefix}…)`,
      meta: { uses: 0 },
    })
    expect(events.find((e) => e.action === 'export.downloaded')).toMatchObject({ actorId: ws.editor.id, meta: { kind: 'systems' } })
    await expect(listAuditFor(ws.editor.actor, {})).rejects.toMatchObject({ status: 403 })
    expect(await actions(other.owner.actor)).not.toContain('token.revoked')
    // Filter and paging.
    expect((await listAuditFor(ws.owner.actor, { action: 'token.created' })).map((e) => e.action)).toEqual(['token.created'])
    const newest = (await listAuditFor(ws.owner.actor, {}))[0]!
    expect((await listAuditFor(ws.owner.actor, { before: newest.id })).map((e) => e.id)).not.toContain(newest.id)
  })

  it('recordAudit is callable by other features inside their transaction (rolled back with it)', async () => {
    const ws = await buildWorkspace()
    await sql
      .begin(async (tx) => {
        await recordAudit(tx, { workspaceId: ws.workspace.id, actorId: ws.owner.id, action: 'narrative.approved', target: 'Plan' })
        throw new Error('rollback')
      })
      .catch(() => {})
    expect(await actions(ws.owner.actor)).not.toContain('narrative.approved')
    await recordAudit(sql, { workspaceId: ws.workspace.id, actorId: ws.owner.id, action: 'narrative.approved', target: 'Plan' })
    expect(await actions(ws.owner.actor)).toContain('narrative.approved')
  })
})

describe('token scopes and use over HTTP', () => {
  it('a read token reads and gets 403 on every write; uses are counted; the first use an hour is logged; /settings/audit shows it', async () => {
    const ws = await buildWorkspace()
    const app = await startApp({ sql })
    try {
      const { token: read } = await createApiToken(ws.owner.actor, { name: 'Dashboards', scope: 'read' })
      const write = await buildApiToken(ws.owner)
      for (let i = 0; i < 3; i++) expect((await app.fetch('/api/v1/narratives', { token: read })).status).toBe(200)
      const create = await app.fetch('/api/v1/narratives', { token: read, json: { title: 'Nope', template: 'blank' } })
      expect(create.status).toBe(403)
      expect(await create.json()).toMatchObject({ status: 403, detail: expect.stringContaining('read-only') })
      for (const [method, path] of [
        ['PATCH', '/api/v1/metrics/pipeline'],
        ['DELETE', `/api/v1/systems/${crypto.randomUUID()}`],
        ['PUT', '/api/v1/metrics/pipeline/actuals'],
      ] as const)
        expect((await app.fetch(path, { token: read, method, json: {} })).status, `${method} ${path}`).toBe(403)
      expect((await app.fetch('/api/v1/narratives', { token: write, json: { title: 'Yes', template: 'blank' } })).status).toBe(201)

      const tokens = await listApiTokens(ws.owner.actor)
      expect(tokens.find((t) => t.name === 'Dashboards')).toMatchObject({ scope: 'read', useCount: 3 })
      const used = (await listAuditFor(ws.owner.actor, { action: 'token.used' })).filter((e) => e.target?.startsWith('Dashboards'))
      expect(used).toHaveLength(1)
      expect(used[0]!.meta).toMatchObject({ scope: 'read', method: 'GET', path: '/api/v1/narratives' })

      // A password exchange can ask for a read token too.
      const exchanged = await issueApiTokenWithPassword({ email: ws.editor.email, password: PASSWORD, ip: 'test-exchange', scope: 'read' })
      expect((await app.fetch('/api/v1/narratives', { token: exchanged.token, json: { title: 'x', template: 'blank' } })).status).toBe(403)

      const page = await app.fetch('/settings/audit', { cookie: ws.owner.cookie })
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('Used an API token')
      expect(html).toContain('Created an API token')
      expect((await app.fetch('/settings/audit', { cookie: ws.editor.cookie })).status).toBe(403)
      expect((await app.fetch('/settings/audit?before=abc', { cookie: ws.owner.cookie })).status).toBe(400)
    } finally {
      await app.close()
    }
  })
})
