import { listNotificationsFor } from './notifications.server.ts'
import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { AppError } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import type { SystemInput } from '#app/schemas/inventory.ts'
import { bus, type WorkspaceEvent } from '#app/events/bus.ts'
import { addRequirement, assessRequirement, getNarrativeFeasibility } from './feasibility.server.ts'
import { listCapabilitiesFor, setSupport } from '#app/services/inventory/capabilities.server.ts'
import { exportInventoryCsv, importInventory } from '#app/services/inventory/import.server.ts'
import { createIntegration } from '#app/services/inventory/integrations.server.ts'
import {
  createSystem,
  deleteSystem,
  getSystemFor,
  listSystemsFor,
  previewSystemChange,
  updateSystem,
} from '#app/services/inventory/systems.server.ts'
import { readCsvBody } from '#app/utils/body-readers.server.ts'

const db = await useTestDatabase()
const sql = db.sql

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

const system = (over: Partial<SystemInput> = {}): SystemInput => ({
  name: 'Salesforce',
  vendor: 'Salesforce',
  category: 'crm',
  ownerId: null,
  lifecycle: 'active',
  endDate: null,
  renewalDate: null,
  annualCost: 120000,
  seatsPaid: 100,
  seatsUsed: 82,
  notes: '',
  ...over,
})

async function counts(workspaceId: string) {
  const [row] = await sql<[{ systems: number; support: number; integrations: number }]>`
    select (select count(*)::int from systems where workspace_id = ${workspaceId} and deleted_at is null) as systems,
      (select count(*)::int from capability_support where workspace_id = ${workspaceId}) as support,
      (select count(*)::int from integrations where workspace_id = ${workspaceId}) as integrations`
  return row
}

function capture() {
  const events: WorkspaceEvent[] = []
  const stop = bus.subscribe((e) => events.push(e))
  return { events, stop }
}

describe('systems', () => {
  it('a new workspace starts with the marketing capability taxonomy', async () => {
    const w = await buildWorkspace()
    const caps = await listCapabilitiesFor(w.commenter.actor)
    expect(caps.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Lead scoring', 'Multi-touch attribution', 'Reverse ETL', 'Consent management']),
    )
    expect(caps.length).toBeGreaterThanOrEqual(15)
  })

  it('editors write, commenters read, readers are refused, other workspaces see nothing', async () => {
    const w = await buildWorkspace()
    const other = await buildWorkspace()
    const id = await createSystem(w.editor.actor, system())
    expect((await listSystemsFor(w.commenter.actor)).map((s) => [s.name, s.utilisation])).toEqual([['Salesforce', 82]])
    expect((await appError(createSystem(w.commenter.actor, system({ name: 'HubSpot' })))).status).toBe(403)
    expect((await appError(listSystemsFor(w.reader.actor))).status).toBe(403)
    expect((await appError(getSystemFor(other.owner.actor, id))).status).toBe(404)
    expect((await appError(updateSystem(other.owner.actor, id, system({ name: 'Hijacked' })))).status).toBe(404)
    expect((await getSystemFor(w.owner.actor, id)).system.name).toBe('Salesforce')
  })

  it('refuses a duplicate name (case-insensitive) with 409 on the name field', async () => {
    const w = await buildWorkspace()
    await createSystem(w.owner.actor, system())
    const e = await appError(createSystem(w.owner.actor, system({ name: 'salesforce' })))
    expect(e.status).toBe(409)
    expect(e.fieldErrors?.name?.[0]).toMatch(/already exists/)
  })

  it('refuses an owner who is not a member of the workspace', async () => {
    const w = await buildWorkspace()
    const other = await buildWorkspace()
    const e = await appError(createSystem(w.owner.actor, system({ ownerId: other.owner.id })))
    expect(e.status).toBe(400)
    expect(e.fieldErrors?.ownerId).toBeDefined()
  })
})

describe('feasibility follows the inventory', () => {
  async function setup() {
    const w = await buildWorkspace()
    const actor: Actor = w.owner.actor
    const marketo = await createSystem(actor, system({ name: 'Marketo', category: 'marketing_automation' }))
    const sf = await createSystem(actor, system({ name: 'Salesforce' }))
    const caps = await listCapabilitiesFor(actor)
    const scoring = caps.find((c) => c.name === 'Lead scoring')!
    await setSupport(actor, { systemId: marketo, capabilityId: scoring.id, level: 'native', note: '' })
    await createIntegration(actor, {
      fromSystemId: sf,
      toSystemId: marketo,
      name: 'Native sync',
      direction: 'two_way',
      objects: ['leads', 'contacts'],
      frequency: 'real_time',
      status: 'active',
      liveFrom: null,
      notes: '',
    })
    const narrative = await buildNarrative(w.editor, { title: 'FY27 ABM expansion' })
    const reqId = await addRequirement(w.editor.actor, narrative.id, {
      kind: 'capability',
      capability: 'lead scoring',
      system: null,
      from: null,
      to: null,
      objects: [],
      object: null,
      measure: null,
      field: null,
      op: null,
      threshold: null,
      neededBy: '2027-06-30',
      note: '',
    })
    return { w, actor, marketo, sf, narrative, reqId }
  }

  it('marking a system phasing out turns the requirement red, stales the assessment and publishes the change', async () => {
    const { w, actor, marketo, narrative, reqId } = await setup()
    let f = await getNarrativeFeasibility(w.commenter.actor, narrative.id)
    expect(f.requirements.map((r) => r.status)).toEqual(['pass'])
    await assessRequirement(
      w.owner.actor,
      { narrativeId: narrative.id, requirementId: reqId },
      { decision: 'confirm', effort: 'M', note: 'Fine' },
    )
    f = await getNarrativeFeasibility(w.owner.actor, narrative.id)
    expect(f.requirements[0]!.assessment).toMatchObject({ decision: 'confirm', effort: 'M', stale: false })

    // The preview says what would break, and writes nothing.
    const phasing = system({ name: 'Marketo', category: 'marketing_automation', lifecycle: 'phasing_out', endDate: '2027-03-31' })
    expect(await previewSystemChange(actor, marketo, phasing)).toEqual([
      {
        narrativeId: narrative.id,
        title: 'FY27 ABM expansion',
        status: 'draft',
        requirements: [
          { id: reqId, from: 'pass', to: 'fail', reason: 'Marketo is phasing out on 2027-03-31, before this is needed (2027-06-30)' },
        ],
      },
    ])
    expect((await getSystemFor(actor, marketo)).system.lifecycle).toBe('active')
    expect(
      await previewSystemChange(
        actor,
        marketo,
        system({ name: 'Marketo', category: 'marketing_automation', notes: 'a note changes nothing' }),
      ),
    ).toEqual([])

    const { events, stop } = capture()
    await updateSystem(
      actor,
      marketo,
      system({ name: 'Marketo', category: 'marketing_automation', lifecycle: 'phasing_out', endDate: '2027-03-31' }),
    )
    stop()
    f = await getNarrativeFeasibility(w.owner.actor, narrative.id)
    expect(f.overall).toBe('fail')
    expect(f.requirements[0]!.reasons.map((r) => r.message)).toContain(
      'Marketo is phasing out on 2027-03-31, before this is needed (2027-06-30)',
    )
    expect(f.requirements[0]!.assessment?.stale).toBe(true)
    const mine = events.filter((e) => e.workspaceId === w.workspace.id)
    expect(mine).toContainEqual({ type: 'inventory.changed', workspaceId: w.workspace.id, systemIds: [marketo] })
    expect(mine).toContainEqual({ type: 'feasibility.changed', workspaceId: w.workspace.id, narrativeId: narrative.id, failing: 1 })
    // The stored evaluation followed too (what the system page's "depends on this" reads).
    const [row] = await sql`select status from requirements where id = ${reqId}`
    expect(row!.status).toBe('fail')
  })

  it("tells the narrative's owner, once, when an inventory change makes its requirements fail", async () => {
    const { w, actor, marketo, narrative } = await setup()
    expect(await listNotificationsFor(w.editor.actor)).toEqual([])
    const phasing = system({ name: 'Marketo', category: 'marketing_automation', lifecycle: 'phasing_out', endDate: '2027-03-31' })
    await updateSystem(actor, marketo, phasing)
    const inbox = await listNotificationsFor(w.editor.actor)
    expect(inbox).toHaveLength(1)
    expect(inbox[0]).toMatchObject({ kind: 'feasibility', read: false, target: { kind: 'narrative', id: narrative.id } })
    expect(inbox[0]!.excerpt).toBe('1 requirement now fails in “FY27 ABM expansion” after a tech-stack change.')
    // A change that breaks nothing new tells nobody; the one who made the change is never told.
    await updateSystem(actor, marketo, { ...phasing, notes: 'Contract ends in March' })
    expect(await listNotificationsFor(w.editor.actor)).toHaveLength(1)
    expect(await listNotificationsFor(actor)).toEqual([])
  })

  it('the system page lists what depends on it; deleting asks first, then the requirement fails with "deleted"', async () => {
    const { w, actor, marketo, narrative } = await setup()
    const detail = await getSystemFor(w.commenter.actor, marketo)
    expect(detail.dependents).toEqual([
      { narrativeId: narrative.id, title: 'FY27 ABM expansion', narrativeStatus: 'draft', requirements: 1, statuses: ['pass'] },
    ])
    const e = await appError(deleteSystem(actor, marketo, { confirm: false }))
    expect(e.status).toBe(409)
    expect(e.message).toMatch(/1 requirement in 1 narrative relies on Marketo \(“FY27 ABM expansion”\)/)
    expect((await listSystemsFor(actor)).map((s) => s.name)).toContain('Marketo')
    await deleteSystem(actor, marketo, { confirm: true })
    expect((await listSystemsFor(actor)).map((s) => s.name)).toEqual(['Salesforce'])
    const f = await getNarrativeFeasibility(actor, narrative.id)
    // The capability requirement relied on Marketo; with it gone nothing supports lead scoring.
    expect(f.requirements[0]!.status).toBe('fail')
  })

  it('a requirement that names a deleted system fails with "system deleted"', async () => {
    const { w, actor, sf, narrative } = await setup()
    await addRequirement(w.editor.actor, narrative.id, {
      kind: 'data_quality',
      capability: null,
      system: 'Salesforce',
      from: null,
      to: null,
      objects: [],
      object: 'contacts',
      measure: 'duplicate_rate',
      field: null,
      op: null,
      threshold: 2,
      neededBy: null,
      note: '',
    })
    await deleteSystem(actor, sf, { confirm: true })
    const f = await getNarrativeFeasibility(actor, narrative.id)
    expect(f.requirements[1]).toMatchObject({
      status: 'fail',
      reasons: [{ code: 'system_deleted', message: 'Salesforce was deleted from the inventory' }],
    })
  })
})

describe('CSV import', () => {
  it('refuses a file with any bad row and writes nothing, reporting line, column and reason', async () => {
    const w = await buildWorkspace()
    await createSystem(w.owner.actor, system())
    const before = await counts(w.workspace.id)
    const csv = [
      'name,category,lifecycle,end_date,annual_cost,owner_email',
      'HubSpot,Marketing automation,active,,48000,',
      'Marketo,marketing_automation,phasing out,,90000,',
      'Snowflake,warehouse,active,,,',
      '6sense,ABM,active,2027-02-30,,',
      'hubspot,crm,active,,,',
      `Gong,other,active,,abc,${w.commenter.email}`,
      'Drift,other,active,,,nobody@example.test',
    ].join('\n')
    const report = await importInventory(w.owner.actor, { kind: 'systems', text: csv, dryRun: false })
    expect(report.committed).toBe(false)
    expect(report.errors).toEqual([
      { line: 3, column: 'end_date', message: 'A system phasing out needs the date it is switched off' },
      { line: 4, column: 'category', message: expect.stringMatching(/^Category must be one of crm, marketing_automation, /) },
      { line: 5, column: 'end_date', message: 'This date does not exist' },
      { line: 6, column: 'name', message: 'Duplicate of line 2' },
      { line: 7, column: 'annual_cost', message: 'Enter an amount, e.g. 48000' },
      { line: 8, column: 'owner_email', message: 'No member of this workspace has the email nobody@example.test' },
    ])
    expect(await counts(w.workspace.id)).toEqual(before)
  })

  it('reports wrong columns on line 1, unknown systems and capabilities by name', async () => {
    const w = await buildWorkspace()
    await createSystem(w.owner.actor, system())
    const cols = await importInventory(w.owner.actor, { kind: 'systems', text: 'name,colour\nX,red\n', dryRun: true })
    expect(cols.errors).toEqual([
      { line: 1, column: 'colour', message: expect.stringMatching(/^Unknown column\. Expected: name, category/) },
      { line: 1, column: 'category', message: 'Required column is missing' },
    ])
    const support = await importInventory(w.owner.actor, {
      kind: 'support',
      text: 'system,capability,level\nSalesforce,Lead routing,native\nPardot,Lead scoring,native\nSalesforce,Telepathy,partial\nSalesforce,Lead routing,partial\nSalesforce,Lead scoring,sometimes\n',
      dryRun: true,
    })
    expect(support.errors).toEqual([
      { line: 3, column: 'system', message: 'Unknown system “Pardot”: add it first (or import systems)' },
      { line: 4, column: 'capability', message: 'Unknown capability “Telepathy”: add it to the taxonomy first' },
      { line: 5, column: 'capability', message: 'Duplicate of line 2' },
      { line: 6, column: 'level', message: 'Support must be one of native, partial, addon, none' },
    ])
    const broken = await importInventory(w.owner.actor, { kind: 'systems', text: 'name,category\n"unterminated,crm\n', dryRun: true })
    expect(broken.errors).toEqual([{ line: 2, column: 'name', message: 'A quoted field is never closed' }])
  })

  it('reads tab- and semicolon-separated files with the same reader as every import', async () => {
    const w = await buildWorkspace()
    for (const text of [
      'name\tcategory\tvendor\nSalesforce\tCRM\tSalesforce, Inc.\n',
      'name;category;vendor\nSalesforce;CRM;"Salesforce; Inc."\n',
    ]) {
      const report = await importInventory(w.owner.actor, { kind: 'systems', text, dryRun: true })
      expect(report).toMatchObject({ errors: [], rows: 1, created: 1 })
    }
  })

  it('refuses a quote inside an unquoted field with its line and column', async () => {
    const w = await buildWorkspace()
    const report = await importInventory(w.owner.actor, { kind: 'systems', text: 'name,category\nBig "Blue",crm\n', dryRun: true })
    expect(report.errors).toEqual([
      { line: 2, column: 'name', message: expect.stringMatching(/^A quote appears inside an unquoted field/) },
    ])
  })

  it('stops at the inventory row limit (5,000 per kind), naming the first line over it', async () => {
    const w = await buildWorkspace()
    const text = 'from,to,objects\n' + 'A,B,leads\n'.repeat(5_001)
    const report = await importInventory(w.owner.actor, { kind: 'integrations', text, dryRun: true })
    expect(report.errors).toEqual([{ line: 5_002, column: null, message: 'At most 5,000 rows per import; split the file' }])
  })

  it('dry run validates only; a good file commits every row in one go, and a second import updates', async () => {
    const w = await buildWorkspace()
    const csv =
      'name,vendor,category,lifecycle,end_date,renewal_date,annual_cost,seats_paid,seats_used\n' +
      'Salesforce,Salesforce,CRM,active,,2027-02-01,"120,000",100,82\n' +
      'Marketo,Adobe,Marketing automation,Phasing out,2027-03-31,,90000,,\n' +
      'Snowflake,Snowflake,Data warehouse,active,,,60000,,\n'
    const dry = await importInventory(w.owner.actor, { kind: 'systems', text: csv, dryRun: true })
    expect(dry).toMatchObject({ dryRun: true, committed: false, rows: 3, created: 3, updated: 0, errors: [] })
    expect((await counts(w.workspace.id)).systems).toBe(0)
    const done = await importInventory(w.owner.actor, { kind: 'systems', text: csv, dryRun: false })
    expect(done).toMatchObject({ committed: true, created: 3, errors: [] })
    const systems = await listSystemsFor(w.owner.actor)
    expect(systems.map((s) => [s.name, s.lifecycle, s.endDate, s.annualCost])).toEqual([
      ['Marketo', 'phasing_out', '2027-03-31', 90000],
      ['Salesforce', 'active', null, 120000],
      ['Snowflake', 'active', null, 60000],
    ])
    const integ = await importInventory(w.owner.actor, {
      kind: 'integrations',
      text: 'from,to,objects,direction,frequency,status,live_from\nSalesforce,Marketo,leads;contacts,two-way,real-time,active,\nSalesforce,Snowflake,"accounts, opportunities",one-way,daily,planned,2027-01-15\n',
      dryRun: false,
    })
    expect(integ).toMatchObject({ committed: true, created: 2, errors: [] })
    const again = await importInventory(w.owner.actor, {
      kind: 'systems',
      text: 'name,category,annual_cost\nSalesforce,crm,130000\n',
      dryRun: false,
    })
    expect(again).toMatchObject({ committed: true, created: 0, updated: 1 })
    // Columns not in the file keep their values.
    expect((await listSystemsFor(w.owner.actor)).find((s) => s.name === 'Salesforce')).toMatchObject({
      annualCost: 130000,
      seatsPaid: 100,
      renewalDate: '2027-02-01',
    })
  })

  it('export and import round-trip without changes', async () => {
    const w = await buildWorkspace()
    await importInventory(w.owner.actor, {
      kind: 'systems',
      text: `name,category,owner_email,notes\nSalesforce,crm,${w.editor.email},"Core CRM, ""source of truth"""\nHubSpot,marketing_automation,,=SUM(A1)\n`,
      dryRun: false,
    })
    const csv = await exportInventoryCsv(w.commenter.actor, 'systems')
    expect(csv.split('\r\n')[0]).toBe(
      'name,category,vendor,owner_email,lifecycle,end_date,renewal_date,annual_cost,seats_paid,seats_used,notes',
    )
    expect(csv).toContain(`Salesforce,crm,,${w.editor.email},active,,,,,,"Core CRM, ""source of truth"""`)
    expect(csv).toContain(`'=SUM(A1)`)
    const again = await importInventory(w.owner.actor, { kind: 'systems', text: csv.replace(`'=SUM(A1)`, '=SUM(A1)'), dryRun: true })
    expect(again).toMatchObject({ errors: [], created: 0, updated: 2 })
  })

  it('commenters cannot import', async () => {
    const w = await buildWorkspace()
    expect(
      (await appError(importInventory(w.commenter.actor, { kind: 'systems', text: 'name,category\nX,crm\n', dryRun: true }))).status,
    ).toBe(403)
  })
})

describe('reading an upload', () => {
  const request = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://localhost/api/v1/inventory/import', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

  it('refuses more than the limit with 413, counting the bytes as they stream', async () => {
    const big = new Uint8Array(6 * 1024 * 1024).fill(0x61)
    expect((await appError(readCsvBody(request(big, { 'Content-Length': String(big.byteLength) })))).status).toBe(413)
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 7; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(0x61))
        c.close()
      },
    })
    expect((await appError(readCsvBody(request(stream)))).status).toBe(413)
  })

  it('refuses binary garbage and non-UTF-8 with 400, and reads text', async () => {
    const e = await appError(readCsvBody(request(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))))
    expect(e.status).toBe(400)
    expect(e.message).toMatch(/binary data/)
    expect((await appError(readCsvBody(request(new Uint8Array([0x61, 0xff, 0xfe, 0x62]))))).message).toMatch(/not UTF-8/)
    expect(await readCsvBody(request('name,category\nX,crm\n'))).toBe('name,category\nX,crm\n')
  })
})
