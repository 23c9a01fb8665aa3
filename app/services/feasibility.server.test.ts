import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildWorkspace, type Person } from '#test/factories.ts'
import * as feasibilityApi from '#app/routes/api.v1.narratives.$id.feasibility.ts'
import * as requirementsApi from '#app/routes/api.v1.narratives.$id.requirements.ts'
import * as systemsApi from '#app/routes/api.v1.systems._index.ts'
import * as systemApi from '#app/routes/api.v1.systems.$id.ts'
import * as supportApi from '#app/routes/api.v1.systems.$id.capabilities.ts'
import * as integrationsApi from '#app/routes/api.v1.integrations._index.ts'
import * as integrationApi from '#app/routes/api.v1.integrations.$id.ts'
import * as capabilitiesApi from '#app/routes/api.v1.capabilities._index.ts'
import * as capabilityApi from '#app/routes/api.v1.capabilities.$id.ts'
import * as importApi from '#app/routes/api.v1.inventory.import.ts'
import { seedStack } from '#test/demo.ts'
import { getNarrativeFeasibility } from './feasibility.server.ts'

const db = await useTestDatabase()
const sql = db.sql

const BASE = 'http://localhost'
type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>

async function call(
  handler: Handler,
  token: string | null,
  path: string,
  init: { method?: string; body?: unknown; raw?: BodyInit; params?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  let body: BodyInit | undefined
  if (init.raw !== undefined) {
    body = init.raw
    headers['Content-Type'] = 'text/csv'
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body)
    headers['Content-Type'] = 'application/json'
  }
  const request = new Request(BASE + path, { method: init.method ?? 'GET', headers, body })
  const res = await handler({ request, params: init.params ?? {}, context: {} })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('Content-Type') ?? '',
    json: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  }
}

async function tokens(people: Person[]) {
  return Promise.all(people.map((p) => buildApiToken(p)))
}

describe('API: systems, integrations, capabilities', () => {
  it('creates, reads, patches and lists a system; validation is problem+json with field messages', async () => {
    const w = await buildWorkspace()
    const [owner, commenter, reader] = await tokens([w.owner, w.commenter, w.reader])
    const bad = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: '', category: 'rocket', lifecycle: 'phasing_out' },
    })
    expect(bad.status).toBe(400)
    expect(bad.type).toContain('application/problem+json')
    expect(Object.keys(bad.json!.errors as object).sort()).toEqual(['category', 'name'])
    const created = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: 'Marketo', category: 'marketing_automation', lifecycle: 'active', seatsPaid: 10, seatsUsed: 7 },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: 'Marketo', lifecycle: 'active', utilisation: 70 })
    const id = created.json!.id as string
    const patched = await call(systemApi.action as Handler, owner!, `/api/v1/systems/${id}`, {
      method: 'PATCH',
      body: { lifecycle: 'phasing_out', endDate: '2027-03-31' },
      params: { id },
    })
    expect(patched.json).toMatchObject({ lifecycle: 'phasing_out', endDate: '2027-03-31', seatsPaid: 10 })
    const noDate = await call(systemApi.action as Handler, owner!, `/api/v1/systems/${id}`, {
      method: 'PATCH',
      body: { endDate: null },
      params: { id },
    })
    expect(noDate.status).toBe(400)
    expect(noDate.json!.errors).toEqual({ endDate: ['A system phasing out needs the date it is switched off'] })
    expect((await call(systemsApi.loader as Handler, commenter!, '/api/v1/systems')).json!.data).toHaveLength(1)
    expect(
      (
        await call(systemsApi.action as Handler, commenter!, '/api/v1/systems', {
          method: 'POST',
          body: { name: 'X', category: 'crm', lifecycle: 'active' },
        })
      ).status,
    ).toBe(403)
    expect((await call(systemsApi.loader as Handler, reader!, '/api/v1/systems')).status).toBe(403)
    expect((await call(systemsApi.loader as Handler, null, '/api/v1/systems')).status).toBe(401)
  })

  it('a PATCH body that is not a JSON object and an invalid ?confirm are 400s that change nothing', async () => {
    const w = await buildWorkspace()
    const [owner] = await tokens([w.owner])
    const system = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: 'Salesforce', category: 'crm', lifecycle: 'active' },
    })
    const systemId = system.json!.id as string
    const capability = await call(capabilitiesApi.action as Handler, owner!, '/api/v1/capabilities', {
      method: 'POST',
      body: { name: 'Corpus territory planning', description: '' },
    })
    const capabilityId = capability.json!.id as string
    for (const body of [null, true, 0, 'x', [], [{ name: 'y' }]]) {
      for (const [handler, id] of [
        [systemApi.action, systemId],
        [capabilityApi.action, capabilityId],
      ] as const) {
        const res = await call(handler as Handler, owner!, `/api/v1/x/${id}`, {
          method: 'PATCH',
          raw: JSON.stringify(body),
          params: { id },
        })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.json!.detail).toBe('The body must be a JSON object')
      }
    }
    // Only true deletes past dependents; anything but true/false is refused, not read as "no".
    for (const confirm of ['yes', '1', 'a%00b'])
      expect(
        (
          await call(systemApi.action as Handler, owner!, `/api/v1/systems/${systemId}?confirm=${confirm}`, {
            method: 'DELETE',
            params: { id: systemId },
          })
        ).status,
      ).toBe(400)
    expect(
      (await call(systemApi.loader as Handler, owner!, `/api/v1/systems/${systemId}`, { params: { id: systemId } })).json,
    ).toMatchObject({
      name: 'Salesforce',
    })
    expect(
      (
        await call(systemApi.action as Handler, owner!, `/api/v1/systems/${systemId}?confirm=false`, {
          method: 'DELETE',
          params: { id: systemId },
        })
      ).status,
    ).toBe(204)
  })

  it('another workspace gets 404 for a system, and the support endpoint sets capabilities by name', async () => {
    const w = await buildWorkspace()
    const other = await buildWorkspace()
    const [owner, stranger] = await tokens([w.owner, other.owner])
    const { json } = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: 'HubSpot', category: 'marketing_automation', lifecycle: 'active' },
    })
    const id = json!.id as string
    expect((await call(systemApi.loader as Handler, stranger!, `/api/v1/systems/${id}`, { params: { id } })).status).toBe(404)
    expect((await call(systemApi.action as Handler, stranger!, `/api/v1/systems/${id}`, { method: 'DELETE', params: { id } })).status).toBe(
      404,
    )
    const support = await call(supportApi.action as Handler, owner!, `/api/v1/systems/${id}/capabilities`, {
      method: 'PUT',
      body: { capability: 'email nurture', level: 'native' },
      params: { id },
    })
    expect(support.json!.data).toEqual([expect.objectContaining({ name: 'Email nurture', level: 'native' })])
    const read = await call(systemApi.loader as Handler, owner!, `/api/v1/systems/${id}`, { params: { id } })
    expect(read.json!.capabilities).toEqual([expect.objectContaining({ name: 'Email nurture', level: 'native' })])
    const caps = await call(capabilitiesApi.loader as Handler, owner!, '/api/v1/capabilities')
    expect((caps.json!.data as unknown[]).length).toBeGreaterThanOrEqual(15)
  })

  it('integrations: create, patch status, delete', async () => {
    const w = await buildWorkspace()
    const [owner] = await tokens([w.owner])
    const a = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: 'Salesforce', category: 'crm', lifecycle: 'active' },
    })
    const b = await call(systemsApi.action as Handler, owner!, '/api/v1/systems', {
      method: 'POST',
      body: { name: 'Snowflake', category: 'data_warehouse', lifecycle: 'active' },
    })
    const body = {
      fromSystemId: a.json!.id,
      toSystemId: b.json!.id,
      objects: ['opportunities'],
      direction: 'one_way',
      frequency: 'daily',
      status: 'planned',
    }
    const missingDate = await call(integrationsApi.action as Handler, owner!, '/api/v1/integrations', { method: 'POST', body })
    expect(missingDate.json!.errors).toEqual({ liveFrom: ['A planned integration needs the date it goes live'] })
    const created = await call(integrationsApi.action as Handler, owner!, '/api/v1/integrations', {
      method: 'POST',
      body: { ...body, liveFrom: '2027-01-15' },
    })
    expect(created.status).toBe(201)
    const id = created.json!.id as string
    const patched = await call(integrationApi.action as Handler, owner!, `/api/v1/integrations/${id}`, {
      method: 'PATCH',
      body: { status: 'active' },
      params: { id },
    })
    expect(patched.json).toMatchObject({
      status: 'active',
      from: { name: 'Salesforce' },
      to: { name: 'Snowflake' },
      objects: ['opportunities'],
    })
    expect(
      (await call(integrationApi.action as Handler, owner!, `/api/v1/integrations/${id}`, { method: 'DELETE', params: { id } })).status,
    ).toBe(204)
    expect((await call(integrationApi.loader as Handler, owner!, `/api/v1/integrations/${id}`, { params: { id } })).status).toBe(404)
  })
})

describe('API: import', () => {
  it('dry run reports, a bad file is 422 with the row report and writes nothing, limits are 413 and 400', async () => {
    const w = await buildWorkspace()
    const [owner, commenter] = await tokens([w.owner, w.commenter])
    const good = 'name,category\nSalesforce,CRM\nMarketo,Marketing automation\n'
    const dry = await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=systems&dryRun=true', {
      method: 'POST',
      raw: good,
    })
    expect(dry).toMatchObject({ status: 200, json: { dryRun: true, committed: false, created: 2, errors: [] } })
    const bad = await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=systems', {
      method: 'POST',
      raw: good + 'Salesforce,crm\n',
    })
    expect(bad.status).toBe(422)
    expect(bad.type).toContain('application/problem+json')
    expect((bad.json!.report as { errors: unknown[] }).errors).toEqual([{ line: 4, column: 'name', message: 'Duplicate of line 2' }])
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from systems where workspace_id = ${w.workspace.id}`
    expect(n).toBe(0)
    // "false" is false, not a truthy string.
    const real = await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=systems&dryRun=false', {
      method: 'POST',
      raw: good,
    })
    expect(real).toMatchObject({ status: 200, json: { committed: true, created: 2 } })
    const big = await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=systems', {
      method: 'POST',
      raw: 'name,category\n' + 'x,crm\n'.repeat(1_000_000),
    })
    expect(big.status).toBe(413)
    const binary = await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=systems', {
      method: 'POST',
      raw: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    })
    expect(binary.status).toBe(400)
    expect(binary.json!.detail).toMatch(/binary/)
    expect(
      (await call(importApi.action as Handler, owner!, '/api/v1/inventory/import?kind=planets', { method: 'POST', raw: good })).status,
    ).toBe(400)
    expect(
      (await call(importApi.action as Handler, commenter!, '/api/v1/inventory/import?kind=systems', { method: 'POST', raw: good })).status,
    ).toBe(403)
  })
})

describe('API: requirements and feasibility', () => {
  it('states requirements (unknown names allowed) and answers { overall, requirements: [{ id, kind, status, reasons, assessment }] }', async () => {
    const w = await buildWorkspace()
    const [editor, commenter, reader] = await tokens([w.editor, w.commenter, w.reader])
    const narrative = await buildNarrative(w.editor)
    const params = { id: narrative.id }
    const path = `/api/v1/narratives/${narrative.id}/requirements`
    const unknown = await call(requirementsApi.action as Handler, editor!, path, {
      method: 'POST',
      body: { kind: 'capability', capability: 'Telepathic targeting', neededBy: '2027-06-30' },
      params,
    })
    expect(unknown.status).toBe(201)
    expect(unknown.json).toMatchObject({ kind: 'capability', status: 'unknown', reasons: [{ code: 'unknown_reference' }] })
    const scoring = await call(requirementsApi.action as Handler, editor!, path, {
      method: 'POST',
      body: { kind: 'capability', capability: 'Lead scoring' },
      params,
    })
    expect(scoring.json).toMatchObject({ status: 'fail', reasons: [{ message: 'no system supports Lead scoring' }] })
    const invalid = await call(requirementsApi.action as Handler, editor!, path, {
      method: 'POST',
      body: { kind: 'flow', from: 'A' },
      params,
    })
    expect(invalid.status).toBe(400)
    expect(Object.keys(invalid.json!.errors as object).sort()).toEqual(['objects', 'to'])
    expect(
      (
        await call(requirementsApi.action as Handler, commenter!, path, {
          method: 'POST',
          body: { kind: 'capability', capability: 'X' },
          params,
        })
      ).status,
    ).toBe(403)
    const f = await call(feasibilityApi.loader as Handler, commenter!, `/api/v1/narratives/${narrative.id}/feasibility`, { params })
    expect(f.json).toMatchObject({
      overall: 'fail',
      requirements: [{ kind: 'capability', status: 'unknown', assessment: null }, { status: 'fail' }],
    })
    expect(Object.keys((f.json!.requirements as object[])[0]!).sort()).toEqual([
      'assessment',
      'id',
      'kind',
      'neededBy',
      'reasons',
      'status',
      'summary',
    ])
    // Readers see approved narratives only: a draft is 404 for them.
    expect(
      (await call(feasibilityApi.loader as Handler, reader!, `/api/v1/narratives/${narrative.id}/feasibility`, { params })).status,
    ).toBe(404)
    const del = await call(requirementsApi.action as Handler, editor!, `${path}?id=${unknown.json!.id as string}`, {
      method: 'DELETE',
      params,
    })
    expect(del.status).toBe(204)
    expect(((await call(requirementsApi.loader as Handler, editor!, path, { params })).json!.data as unknown[]).length).toBe(1)
  })
})

describe('the demo stack', () => {
  it('gives the demo narratives a mix of pass, at risk, fail and unknown', async () => {
    const w = await buildWorkspace()
    const strategy = await buildNarrative(w.editor, { title: 'FY27 account-based pipeline strategy' })
    const qbr = await buildNarrative(w.owner, { title: 'FY27 Q1 marketing business review' })
    const people = { 'mops@acme.test': w.owner.id, 'sales@acme.test': w.commenter.id, 'finance@acme.test': w.commenter.id }
    await sql.begin((tx) => seedStack(tx, w.workspace.id, people))
    const a = await getNarrativeFeasibility(w.owner.actor, strategy.id)
    const b = await getNarrativeFeasibility(w.owner.actor, qbr.id)
    const statuses = new Set([...a.requirements, ...b.requirements].map((r) => r.status))
    expect([...statuses].sort()).toEqual(['at_risk', 'fail', 'pass', 'unknown'])
    expect(a.overall).toBe('fail')
    const messages = a.requirements.flatMap((r) => r.reasons.map((x) => x.message))
    expect(messages).toContain('duplicate rate 7% is above the 2% bar (contacts in Salesforce, as of 2026-11-01)')
    expect(messages).toContain('Marketo Engage is phasing out on 2027-03-31, before this is needed (2027-06-30)')
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from systems where workspace_id = ${w.workspace.id}`
    expect(n).toBe(25)
  })
})
