import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  evaluate,
  edgeUsable,
  overallOf,
  STATUS_RANK,
  systemAvailable,
  type FeasibilityStatus,
  type Inventory,
  type InventoryIntegration,
  type InventorySystem,
  type Requirement,
  worsenedBy,
} from './feasibility.ts'
import { DATA_OBJECTS, type DataObject, type SupportLevel } from './inventory.ts'

const TODAY = '2026-11-01'

const sys = (id: string, over: Partial<InventorySystem> = {}): InventorySystem => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  lifecycle: 'active',
  endDate: null,
  renewalDate: null,
  deleted: false,
  ...over,
})
const edge = (id: string, fromId: string, toId: string, over: Partial<InventoryIntegration> = {}): InventoryIntegration => ({
  id,
  fromId,
  toId,
  direction: 'one_way',
  objects: ['contacts'],
  status: 'active',
  liveFrom: null,
  ...over,
})
const ref = (id: string | null, name = id ?? '?') => ({ id, name })

/** A small stack: Salesforce, Marketo (phasing out), HubSpot, Snowflake, Looker. */
function stack(over: Partial<Inventory> = {}): Inventory {
  return {
    systems: [
      sys('salesforce'),
      sys('marketo', { lifecycle: 'phasing_out', endDate: '2027-03-31' }),
      sys('hubspot'),
      sys('snowflake'),
      sys('looker', { renewalDate: '2027-01-15' }),
    ],
    capabilities: [
      { id: 'mta', name: 'multi-touch attribution' },
      { id: 'scoring', name: 'lead scoring' },
      { id: 'nurture', name: 'email nurture' },
      { id: 'dash', name: 'dashboards' },
      { id: 'abm', name: 'account-based advertising' },
    ],
    support: [
      { systemId: 'hubspot', capabilityId: 'mta', level: 'partial' },
      { systemId: 'marketo', capabilityId: 'scoring', level: 'native' },
      { systemId: 'hubspot', capabilityId: 'nurture', level: 'native' },
      { systemId: 'looker', capabilityId: 'dash', level: 'native' },
      { systemId: 'salesforce', capabilityId: 'abm', level: 'addon' },
    ],
    integrations: [
      edge('sf-mk', 'salesforce', 'marketo', { direction: 'two_way', objects: ['leads', 'contacts', 'accounts'] }),
      edge('sf-sn', 'salesforce', 'snowflake', { objects: ['accounts', 'opportunities'], status: 'broken' }),
      edge('mk-sn', 'marketo', 'snowflake', { objects: ['leads', 'contacts', 'activities'] }),
      edge('hs-sn', 'hubspot', 'snowflake', { objects: ['contacts'], status: 'planned', liveFrom: '2027-02-01' }),
    ],
    dataQuality: [
      { systemId: 'salesforce', object: 'contacts', measure: 'duplicate_rate', field: null, value: 7, asOf: '2026-10-01' },
      { systemId: 'salesforce', object: 'contacts', measure: 'fill_rate', field: 'email', value: 93, asOf: '2026-10-01' },
      { systemId: 'hubspot', object: 'contacts', measure: 'duplicate_rate', field: null, value: 1.5, asOf: '2025-01-10' },
    ],
    ...over,
  }
}

function one(req: Requirement, inv: Inventory = stack(), today = TODAY) {
  const { results } = evaluate([req], inv, today)
  return results[0]!
}
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code)

describe('capability requirements', () => {
  it('passes when a system supports it natively and is active', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: null, neededBy: '2027-06-30' })
    expect(r.status).toBe('pass')
    expect(r.reasons[0]!.message).toBe('Hubspot supports email nurture natively')
  })

  it('is at risk with partial support, naming what there is', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('mta'), system: null, neededBy: '2027-06-30' })
    expect(r.status).toBe('at_risk')
    expect(r.reasons[0]).toMatchObject({
      code: 'capability_partial',
      message: 'no system supports multi-touch attribution natively (Hubspot: partial)',
    })
  })

  it('is at risk when only an add-on provides it', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('abm'), system: ref('salesforce'), neededBy: null })
    expect(r.status).toBe('at_risk')
    expect(codes(r)).toEqual(['capability_addon'])
  })

  it('fails when nothing supports it, or the named system does not', () => {
    const inv = stack({ capabilities: [...stack().capabilities, { id: 'intent', name: 'intent data' }] })
    const r = one({ id: 'r', kind: 'capability', capability: ref('intent'), system: null, neededBy: null }, inv)
    expect(r).toMatchObject({ status: 'fail', reasons: [{ code: 'capability_missing', message: 'no system supports intent data' }] })
    const named = one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: ref('salesforce'), neededBy: null })
    expect(named).toMatchObject({
      status: 'fail',
      reasons: [{ code: 'capability_missing', message: 'Salesforce does not support email nurture' }],
    })
  })

  it('fails when the only supporting system phases out before it is needed', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('scoring'), system: null, neededBy: '2027-06-30' })
    expect(r.status).toBe('fail')
    expect(r.reasons.map((x) => x.message)).toContain('Marketo is phasing out on 2027-03-31, before this is needed (2027-06-30)')
  })

  it('is at risk when the system phases out after the date it is needed', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('scoring'), system: ref('marketo'), neededBy: '2027-01-31' })
    expect(r.status).toBe('at_risk')
    expect(codes(r)).toEqual(['system_phasing_out', 'supported'])
  })

  it('fails when the end date has already passed', () => {
    const r = one({ id: 'r', kind: 'capability', capability: ref('scoring'), system: null, neededBy: null }, stack(), '2027-04-01')
    expect(r.status).toBe('fail')
    expect(r.reasons[0]!.message).toBe('Marketo was phased out on 2027-03-31')
  })

  it('fails on a retired system and is at risk on one still being evaluated', () => {
    const retired = stack()
    retired.systems[2] = sys('hubspot', { lifecycle: 'retired' })
    expect(one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: null, neededBy: null }, retired)).toMatchObject({
      status: 'fail',
      reasons: [{ code: 'system_retired', message: 'Hubspot is retired' }, { code: 'supported' }],
    })
    const evaluating = stack()
    evaluating.systems[2] = sys('hubspot', { lifecycle: 'evaluating' })
    const r = one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: null, neededBy: null }, evaluating)
    expect(r.status).toBe('at_risk')
    expect(codes(r)).toContain('system_evaluating')
  })

  it('is at risk when the contract renews before launch, not after', () => {
    const before = one({ id: 'r', kind: 'capability', capability: ref('dash'), system: null, neededBy: '2027-03-01' })
    expect(before.status).toBe('at_risk')
    expect(before.reasons[0]!.message).toBe("Looker's contract renews on 2027-01-15, before launch (2027-03-01)")
    expect(one({ id: 'r', kind: 'capability', capability: ref('dash'), system: null, neededBy: '2026-12-01' }).status).toBe('pass')
  })

  it('picks the best supporting system', () => {
    const inv = stack({ support: [...stack().support, { systemId: 'salesforce', capabilityId: 'scoring', level: 'native' }] })
    const r = one({ id: 'r', kind: 'capability', capability: ref('scoring'), system: null, neededBy: '2027-06-30' }, inv)
    expect(r).toMatchObject({ status: 'pass', reasons: [{ message: 'Salesforce supports lead scoring natively' }] })
  })

  it('is unknown when it names a capability or system that is not in the inventory', () => {
    expect(one({ id: 'r', kind: 'capability', capability: ref(null, 'Predictive churn'), system: null, neededBy: null })).toMatchObject({
      status: 'unknown',
      reasons: [{ code: 'unknown_reference', message: '“Predictive churn” is not a capability in the inventory' }],
    })
    expect(one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: ref(null, 'Pardot'), neededBy: null }).status).toBe(
      'unknown',
    )
  })

  it('resolves a typed name case-insensitively', () => {
    expect(
      one({ id: 'r', kind: 'capability', capability: ref(null, 'Email Nurture'), system: ref(null, 'HUBSPOT'), neededBy: null }).status,
    ).toBe('pass')
  })

  it('fails with "deleted" when the named system was deleted', () => {
    const inv = stack()
    inv.systems[2] = sys('hubspot', { deleted: true })
    const r = one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: ref('hubspot'), neededBy: null }, inv)
    expect(r).toMatchObject({ status: 'fail', reasons: [{ code: 'system_deleted', message: 'Hubspot was deleted from the inventory' }] })
    // …and a deleted system no longer supports anything.
    expect(one({ id: 'r', kind: 'capability', capability: ref('nurture'), system: null, neededBy: null }, inv).status).toBe('fail')
  })
})

describe('data-flow requirements', () => {
  const flow = (from: string, to: string, objects: DataObject[], neededBy: string | null = '2026-12-31'): Requirement => ({
    id: 'f',
    kind: 'flow',
    from: ref(from),
    to: ref(to),
    objects,
    neededBy,
  })

  it('passes along a multi-hop path that carries the object', () => {
    const r = one(flow('salesforce', 'snowflake', ['contacts']))
    expect(r.status).toBe('pass')
    expect(r.reasons[0]!.message).toBe('contacts flow from Salesforce to Snowflake')
  })

  it('respects direction: one-way edges are not walked backwards, two-way ones are', () => {
    expect(one(flow('snowflake', 'marketo', ['contacts'])).status).toBe('fail')
    const back = one(flow('marketo', 'salesforce', ['contacts']))
    // The path exists (two-way); Marketo itself phasing out after the date keeps it at risk.
    expect(back.status).toBe('at_risk')
    expect(codes(back)).toEqual(['system_phasing_out', 'path_found'])
  })

  it('respects objects, and explains a broken route', () => {
    const r = one(flow('salesforce', 'snowflake', ['opportunities']))
    expect(r.status).toBe('fail')
    expect(r.reasons.map((x) => x.message)).toEqual([
      'no integration path from Salesforce to Snowflake carries opportunities',
      'the only route needs Salesforce → Snowflake is broken',
    ])
  })

  it('needs every object to arrive', () => {
    const r = one(flow('salesforce', 'snowflake', ['contacts', 'opportunities', 'accounts']))
    expect(r.status).toBe('fail')
    expect(r.reasons[0]!.message).toBe('no integration path from Salesforce to Snowflake carries opportunities or accounts')
  })

  it('counts a planned integration only when it is live before the date needed', () => {
    const late = one(flow('hubspot', 'snowflake', ['contacts'], '2027-01-15'))
    expect(late.status).toBe('fail')
    expect(late.reasons[1]!.message).toBe('the only route needs Hubspot → Snowflake is planned for 2027-02-01')
    const inTime = one(flow('hubspot', 'snowflake', ['contacts'], '2027-03-01'))
    expect(inTime.status).toBe('pass')
    expect(codes(inTime)).toEqual(['path_found', 'path_planned'])
    expect(one(flow('hubspot', 'snowflake', ['contacts'], null)).status).toBe('fail')
  })

  it('never counts broken or disconnected integrations', () => {
    const inv = stack()
    inv.integrations = inv.integrations.map((e) => (e.id === 'mk-sn' ? { ...e, status: 'disconnected' as const } : e))
    expect(one(flow('salesforce', 'snowflake', ['contacts']), inv).status).toBe('fail')
  })

  it('fails when the route runs through a system that phases out before the date', () => {
    const r = one(flow('salesforce', 'snowflake', ['contacts'], '2027-06-30'))
    expect(r.status).toBe('fail')
    expect(r.reasons.map((x) => x.message)).toContain('the only route runs through Marketo, which will be gone by then')
  })

  it('fails on an endpoint that phases out, deleted or retired; unknown on an unknown one', () => {
    expect(one(flow('marketo', 'snowflake', ['contacts'], '2027-06-30'))).toMatchObject({
      status: 'fail',
      reasons: [{ code: 'system_phasing_out' }],
    })
    const inv = stack()
    inv.systems[3] = sys('snowflake', { deleted: true })
    expect(one(flow('salesforce', 'snowflake', ['contacts']), inv)).toMatchObject({ status: 'fail', reasons: [{ code: 'system_deleted' }] })
    expect(one(flow('salesforce', 'databricks', ['contacts']))).toMatchObject({
      status: 'unknown',
      reasons: [{ code: 'unknown_reference' }],
    })
  })
})

describe('data-quality requirements', () => {
  const bar = (over: Partial<Extract<Requirement, { kind: 'data_quality' }>> = {}): Requirement => ({
    id: 'q',
    kind: 'data_quality',
    system: ref('salesforce'),
    object: 'contacts',
    measure: 'duplicate_rate',
    field: null,
    op: 'at_most',
    threshold: 2,
    neededBy: null,
    ...over,
  })

  it('fails when the bar is not met, saying by how much', () => {
    const r = one(bar())
    expect(r.status).toBe('fail')
    expect(r.reasons[0]!.message).toBe('duplicate rate 7% is above the 2% bar (contacts in Salesforce, as of 2026-10-01)')
  })

  it('passes when it is met; fill rates compare the other way', () => {
    expect(one(bar({ threshold: 8 })).status).toBe('pass')
    expect(one(bar({ measure: 'fill_rate', field: 'email', op: 'at_least', threshold: 90 })).status).toBe('pass')
    const below = one(bar({ measure: 'fill_rate', field: 'email', op: 'at_least', threshold: 95 }))
    expect(below.reasons[0]!.message).toMatch(/^email fill rate 93% is below the 95% bar/)
  })

  it('uses the latest figure', () => {
    const inv = stack()
    inv.dataQuality.push({
      systemId: 'salesforce',
      object: 'contacts',
      measure: 'duplicate_rate',
      field: null,
      value: 1.8,
      asOf: '2026-10-20',
    })
    expect(one(bar(), inv).status).toBe('pass')
  })

  it('is unknown without a figure and at risk on an old one', () => {
    expect(one(bar({ object: 'accounts' }))).toMatchObject({ status: 'unknown', reasons: [{ code: 'dq_missing' }] })
    const stale = one(bar({ system: ref('hubspot') }))
    expect(stale.status).toBe('at_risk')
    expect(codes(stale)).toEqual(['dq_stale', 'dq_met'])
  })

  it('ignores contract renewals (they do not change the data)', () => {
    const inv = stack()
    inv.systems[0] = sys('salesforce', { renewalDate: '2026-12-01' })
    expect(codes(one(bar({ threshold: 8, neededBy: '2027-06-30' }), inv))).toEqual(['dq_met'])
  })

  it('fails on a deleted system', () => {
    const inv = stack()
    inv.systems[0] = sys('salesforce', { deleted: true })
    expect(one(bar(), inv)).toMatchObject({ status: 'fail', reasons: [{ code: 'system_deleted' }] })
  })
})

describe('reasons', () => {
  it('come worst first, so the first one is the headline', () => {
    const r = one({ id: 'r', kind: 'flow', from: ref('looker'), to: ref('snowflake'), objects: ['contacts'], neededBy: '2027-03-01' })
    expect(r.reasons.map((x) => x.status)).toEqual(['fail', 'at_risk'])
    expect(codes(r)).toEqual(['no_path', 'renewal_before_launch'])
  })
})

describe('overall', () => {
  it('is the worst of the requirements, and unknown when there are none', () => {
    expect(overallOf([])).toBe('unknown')
    expect(overallOf([{ status: 'pass' }, { status: 'at_risk' }])).toBe('at_risk')
    expect(overallOf([{ status: 'pass' }, { status: 'unknown' }, { status: 'at_risk' }])).toBe('unknown')
    expect(overallOf([{ status: 'unknown' }, { status: 'fail' }])).toBe('fail')
    const e = evaluate(
      [
        { id: 'a', kind: 'capability', capability: ref('nurture'), system: null, neededBy: null },
        { id: 'b', kind: 'capability', capability: ref('mta'), system: null, neededBy: null },
      ],
      stack(),
      TODAY,
    )
    expect(e.overall).toBe('at_risk')
    expect(e.results.map((r) => r.id)).toEqual(['a', 'b'])
  })
})

// ---------- Properties ----------

const DAYS = ['2026-06-01', '2026-12-01', '2027-03-31', '2027-06-30', '2028-01-01']
const LEVELS: SupportLevel[] = ['native', 'partial', 'addon', 'none']

const systemArb = (i: number) =>
  fc
    .record({
      lifecycle: fc.oneof(
        { arbitrary: fc.constant('active' as const), weight: 3 },
        fc.constantFrom('evaluating', 'phasing_out', 'retired' as const),
      ),
      endDate: fc.option(fc.constantFrom(...DAYS), { nil: null }),
      renewalDate: fc.option(fc.constantFrom(...DAYS), { nil: null }),
      deleted: fc.boolean(),
    })
    .map((s): InventorySystem => ({ id: `s${i}`, name: `System ${i}`, ...s, deleted: s.deleted && i % 3 === 2 }))

const inventoryArb = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc
    .record({
      systems: fc.tuple(...Array.from({ length: n }, (_, i) => systemArb(i))),
      support: fc.array(fc.record({ s: fc.nat(n - 1), c: fc.nat(3), level: fc.constantFrom(...LEVELS) }), { maxLength: 14 }),
      integrations: fc.array(
        fc.record({
          from: fc.nat(n - 1),
          to: fc.nat(n - 1),
          direction: fc.constantFrom('one_way', 'two_way' as const),
          objects: fc.subarray([...DATA_OBJECTS], { minLength: 1 }),
          status: fc.oneof(
            { arbitrary: fc.constant('active' as const), weight: 3 },
            fc.constantFrom('planned', 'broken', 'disconnected' as const),
          ),
          liveFrom: fc.option(fc.constantFrom(...DAYS), { nil: null }),
        }),
        { maxLength: 4 * n },
      ),
    })
    .map(({ systems, support, integrations }): Inventory => ({
      systems,
      capabilities: [0, 1, 2, 3].map((c) => ({ id: `c${c}`, name: `Capability ${c}` })),
      support: [
        ...new Map(support.map((x) => [`${x.s}|${x.c}`, { systemId: `s${x.s}`, capabilityId: `c${x.c}`, level: x.level }])).values(),
      ],
      integrations: integrations
        .filter((e) => e.from !== e.to)
        .map((e, i) => ({
          id: `e${i}`,
          fromId: `s${e.from}`,
          toId: `s${e.to}`,
          direction: e.direction,
          objects: e.objects,
          status: e.status,
          liveFrom: e.liveFrom,
        })),
      dataQuality: [],
    })),
)

const neededByArb = fc.option(fc.constantFrom(...DAYS), { nil: null })

describe('properties', () => {
  it('adding or upgrading capability support never makes any capability requirement worse (so never pass → fail)', () => {
    fc.assert(
      fc.property(
        inventoryArb,
        fc.nat(8),
        fc.nat(3),
        fc.constantFrom('native', 'partial', 'addon' as const),
        neededByArb,
        fc.boolean(),
        (inv, s, c, level, neededBy, named) => {
          const systemId = `s${s % inv.systems.length}`
          const capabilityId = `c${c}`
          const reqs: Requirement[] = [
            { id: 'any', kind: 'capability', capability: { id: capabilityId, name: '' }, system: null, neededBy },
            {
              id: 'in',
              kind: 'capability',
              capability: { id: capabilityId, name: '' },
              system: named ? { id: systemId, name: '' } : null,
              neededBy,
            },
          ]
          const before = evaluate(reqs, inv, TODAY)
          const current = inv.support.find((x) => x.systemId === systemId && x.capabilityId === capabilityId)?.level ?? 'none'
          // Only additions and upgrades: native > partial ≈ add-on > none.
          const order: Record<SupportLevel, number> = { native: 0, partial: 1, addon: 1, none: 2 }
          fc.pre(order[level] <= order[current])
          const after = evaluate(
            reqs,
            {
              ...inv,
              support: [
                ...inv.support.filter((x) => !(x.systemId === systemId && x.capabilityId === capabilityId)),
                { systemId, capabilityId, level },
              ],
            },
            TODAY,
          )
          before.results.forEach((b, i) => {
            const a = after.results[i]!
            expect(STATUS_RANK[a.status]).toBeLessThanOrEqual(STATUS_RANK[b.status])
            if (b.status === 'pass') expect(a.status).not.toBe('fail')
          })
        },
      ),
      { numRuns: 400 },
    )
  })

  /** The reference: a plain BFS over active (or planned-in-time) edges carrying the object, between available systems. */
  function referencePath(inv: Inventory, from: string, to: string, object: DataObject, neededBy: string | null): boolean {
    const byId = new Map(inv.systems.map((s) => [s.id, s]))
    const ok = (id: string) => systemAvailable(byId.get(id)!, neededBy, TODAY)
    if (!ok(from) || !ok(to)) return false
    const seen = new Set([from])
    const queue = [from]
    while (queue.length) {
      const at = queue.shift()!
      if (at === to) return true
      for (const e of inv.integrations) {
        const active =
          e.status === 'active' || (e.status === 'planned' && e.liveFrom !== null && neededBy !== null && e.liveFrom <= neededBy)
        if (!active || !e.objects.includes(object)) continue
        const next = e.fromId === at ? e.toId : e.direction === 'two_way' && e.toId === at ? e.fromId : null
        if (next && !seen.has(next) && ok(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
    return false
  }

  it('a flow has a path iff a BFS over active edges (direction, objects, dates) finds one', () => {
    const seen = { path: 0, none: 0 }
    fc.assert(
      fc.property(inventoryArb, fc.nat(8), fc.nat(8), fc.constantFrom(...DATA_OBJECTS), neededByArb, (inv, a, b, object, neededBy) => {
        const from = `s${a % inv.systems.length}`
        const to = `s${b % inv.systems.length}`
        fc.pre(from !== to)
        const r = evaluate(
          [{ id: 'f', kind: 'flow', from: { id: from, name: '' }, to: { id: to, name: '' }, objects: [object], neededBy }],
          inv,
          TODAY,
        ).results[0]!
        const hasPath = !r.reasons.some((x) => x.code === 'no_path') && r.reasons.some((x) => x.code === 'path_found')
        expect(hasPath).toBe(referencePath(inv, from, to, object, neededBy))
        if (hasPath) expect(r.status).not.toBe('fail')
        seen[hasPath ? 'path' : 'none']++
      }),
      { numRuns: 600 },
    )
    // Both outcomes were exercised, so the property is not vacuous.
    expect(seen.path).toBeGreaterThan(20)
    expect(seen.none).toBeGreaterThan(20)
  })

  it('every result carries at least one reason with the same worst status, and the overall is the worst', () => {
    fc.assert(
      fc.property(
        inventoryArb,
        fc.array(fc.tuple(fc.nat(2), fc.nat(8), fc.nat(8), fc.nat(3), neededByArb), { minLength: 1, maxLength: 8 }),
        (inv, specs) => {
          const n = inv.systems.length
          const reqs: Requirement[] = specs.map(([k, a, b, c, neededBy], i) =>
            k === 0
              ? {
                  id: `r${i}`,
                  kind: 'capability',
                  capability: { id: `c${c}`, name: '' },
                  system: a % 2 ? { id: `s${a % n}`, name: '' } : null,
                  neededBy,
                }
              : k === 1
                ? {
                    id: `r${i}`,
                    kind: 'flow',
                    from: { id: `s${a % n}`, name: '' },
                    to: { id: `s${b % n}`, name: '' },
                    objects: ['contacts'],
                    neededBy,
                  }
                : {
                    id: `r${i}`,
                    kind: 'data_quality',
                    system: { id: `s${a % n}`, name: '' },
                    object: 'contacts',
                    measure: 'duplicate_rate',
                    field: null,
                    op: 'at_most',
                    threshold: 2,
                    neededBy,
                  },
          )
          const e = evaluate(reqs, inv, TODAY)
          for (const r of e.results) {
            expect(r.reasons.length).toBeGreaterThan(0)
            const worstReason = r.reasons.reduce<FeasibilityStatus>(
              (w, x) => (STATUS_RANK[x.status] > STATUS_RANK[w] ? x.status : w),
              'pass',
            )
            expect(r.status).toBe(worstReason)
          }
          expect(STATUS_RANK[e.overall]).toBe(Math.max(...e.results.map((r) => STATUS_RANK[r.status])))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('edges that are broken or disconnected are never usable', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('broken', 'disconnected' as const),
        fc.option(fc.constantFrom(...DAYS), { nil: null }),
        neededByArb,
        (status, liveFrom, neededBy) => {
          expect(edgeUsable(edge('e', 'a', 'b', { status, liveFrom }), 'contacts', neededBy)).toBe(false)
        },
      ),
    )
  })
})

describe('what a result depends on', () => {
  it('names the supporting system, every system on a path, and the measured system', () => {
    const e = evaluate(
      [
        { id: 'c', kind: 'capability', capability: ref('scoring'), system: null, neededBy: null },
        { id: 'f', kind: 'flow', from: ref('salesforce'), to: ref('snowflake'), objects: ['contacts'], neededBy: '2026-12-31' },
        {
          id: 'q',
          kind: 'data_quality',
          system: ref('salesforce'),
          object: 'contacts',
          measure: 'duplicate_rate',
          field: null,
          op: 'at_most',
          threshold: 2,
          neededBy: null,
        },
      ],
      stack(),
      TODAY,
    )
    expect(e.results.map((r) => r.dependsOn.sort())).toEqual([['marketo'], ['marketo', 'salesforce', 'snowflake'], ['salesforce']])
  })
})

describe('worsenedBy', () => {
  it('lists the requirements an inventory change makes worse, with the new headline reason', () => {
    const reqs: Requirement[] = [
      { id: 'scoring', kind: 'capability', capability: ref('scoring'), system: null, neededBy: '2027-01-31' },
      { id: 'nurture', kind: 'capability', capability: ref('nurture'), system: null, neededBy: '2027-01-31' },
    ]
    const after = stack()
    after.systems[1] = sys('marketo', { lifecycle: 'phasing_out', endDate: '2026-12-31' })
    expect(worsenedBy(reqs, stack(), after, TODAY)).toEqual([
      { id: 'scoring', from: 'at_risk', to: 'fail', reason: 'Marketo is phasing out on 2026-12-31, before this is needed (2027-01-31)' },
    ])
    expect(worsenedBy(reqs, after, stack(), TODAY)).toEqual([])
  })
})
