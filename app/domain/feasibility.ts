/**
 * The feasibility engine (pure): checks what a plan needs against the tech-stack inventory and
 * says, per requirement, pass / at risk / fail / unknown with human-readable reasons.
 *
 * Dates are ISO days (YYYY-MM-DD), compared as strings. Nothing here reads a clock: `today` is given.
 */
import {
  DATA_OBJECTS,
  formatMeasureValue,
  measureLabel,
  type BarOp,
  type DataObject,
  type Direction,
  type IntegrationStatus,
  type Lifecycle,
  type Measure,
  type RequirementKind,
  type SupportLevel,
} from './inventory.ts'

export const FEASIBILITY_STATUSES = ['pass', 'at_risk', 'fail', 'unknown'] as const
export type FeasibilityStatus = (typeof FEASIBILITY_STATUSES)[number]

/**
 * Severity, for "the worst of". Unknown ranks above at risk: an unknown can hide a failure, and a
 * narrative cannot be approved while anything in it is unknown.
 */
export const STATUS_RANK: Record<FeasibilityStatus, number> = { pass: 0, at_risk: 1, unknown: 2, fail: 3 }

export const STATUS_LABELS: Record<FeasibilityStatus, string> = { pass: 'Pass', at_risk: 'At risk', fail: 'Fail', unknown: 'Unknown' }

export type ReasonCode =
  | 'supported'
  | 'capability_missing'
  | 'capability_partial'
  | 'capability_addon'
  | 'system_retired'
  | 'system_phasing_out'
  | 'system_evaluating'
  | 'renewal_before_launch'
  | 'no_path'
  | 'path_found'
  | 'path_planned'
  | 'dq_met'
  | 'dq_not_met'
  | 'dq_missing'
  | 'dq_stale'
  | 'system_deleted'
  | 'unknown_reference'

export interface Reason {
  code: ReasonCode
  status: FeasibilityStatus
  message: string
}

/** A reference to an inventory item: by id when it was picked, by name when it was only typed. */
export interface Ref {
  id: string | null
  name: string
}

interface RequirementBase {
  id: string
  /** The day it is needed by (launch), or null when no date was given. */
  neededBy: string | null
}
export interface CapabilityRequirement extends RequirementBase {
  kind: 'capability'
  capability: Ref
  /** "in Salesforce": only this system counts. */
  system: Ref | null
}
export interface FlowRequirement extends RequirementBase {
  kind: 'flow'
  from: Ref
  to: Ref
  objects: DataObject[]
}
export interface DataQualityRequirement extends RequirementBase {
  kind: 'data_quality'
  system: Ref
  object: DataObject
  measure: Measure
  field: string | null
  op: BarOp
  threshold: number
}
export type Requirement = CapabilityRequirement | FlowRequirement | DataQualityRequirement

export interface InventorySystem {
  id: string
  name: string
  lifecycle: Lifecycle
  /** Phasing out: the day it is switched off. */
  endDate: string | null
  renewalDate: string | null
  deleted: boolean
}
export interface InventoryCapability {
  id: string
  name: string
}
export interface InventorySupport {
  systemId: string
  capabilityId: string
  level: SupportLevel
}
export interface InventoryIntegration {
  id: string
  fromId: string
  toId: string
  direction: Direction
  objects: DataObject[]
  status: IntegrationStatus
  /** Planned: the day it goes live. */
  liveFrom: string | null
}
export interface InventoryFigure {
  systemId: string
  object: DataObject
  measure: Measure
  field: string | null
  value: number
  asOf: string
}
export interface Inventory {
  systems: InventorySystem[]
  capabilities: InventoryCapability[]
  support: InventorySupport[]
  integrations: InventoryIntegration[]
  dataQuality: InventoryFigure[]
}

export interface RequirementResult {
  id: string
  kind: RequirementKind
  status: FeasibilityStatus
  reasons: Reason[]
  /** The systems this result relies on (the supporting system, every system on a path): "what depends on this". */
  dependsOn: string[]
}
export interface Evaluation {
  overall: FeasibilityStatus
  results: RequirementResult[]
}

/** Data-quality figures older than this are a risk: the bar may no longer hold. */
export const STALE_FIGURE_DAYS = 180

export function worst(statuses: Iterable<FeasibilityStatus>, empty: FeasibilityStatus = 'pass'): FeasibilityStatus {
  let out: FeasibilityStatus | null = null
  for (const s of statuses) if (out === null || STATUS_RANK[s] > STATUS_RANK[out]) out = s
  return out ?? empty
}

/** A narrative's overall feasibility: the worst of its requirements; unknown when it states none. */
export function overallOf(results: readonly { status: FeasibilityStatus }[]): FeasibilityStatus {
  return worst(
    results.map((r) => r.status),
    'unknown',
  )
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10)
}

function listOf(items: string[], conj = 'and'): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`
}

const OBJECT_BIT = new Map<DataObject, number>(DATA_OBJECTS.map((o, i) => [o, 1 << i]))
const ALL_OBJECTS = (1 << DATA_OBJECTS.length) - 1

/**
 * The integration graph in compact arrays (CSR adjacency, object bitmasks), so a search over
 * 300 systems and 2,000 integrations costs microseconds, not a walk over objects and maps.
 */
class Graph {
  readonly index = new Map<string, number>()
  readonly nodes: InventorySystem[]
  private readonly offsets: Int32Array
  private readonly targets: Int32Array
  private readonly via: Int32Array
  private readonly masks: Uint8Array
  /** 0 active, 1 planned, 2 never usable (broken, disconnected). */
  private readonly states: Uint8Array
  private readonly liveFrom: (string | null)[]
  private readonly edges: InventoryIntegration[]
  private readonly prev: Int32Array
  private readonly prevNode: Int32Array
  private readonly mark: Uint32Array
  private readonly queue: Int32Array
  private stamp = 0

  constructor(systems: InventorySystem[], edges: InventoryIntegration[]) {
    this.nodes = systems
    systems.forEach((s, i) => this.index.set(s.id, i))
    const n = systems.length
    const arcs: [number, number, number][] = []
    this.edges = edges
    edges.forEach((e, k) => {
      const a = this.index.get(e.fromId)
      const b = this.index.get(e.toId)
      if (a === undefined || b === undefined) return
      arcs.push([a, b, k])
      if (e.direction === 'two_way') arcs.push([b, a, k])
    })
    this.offsets = new Int32Array(n + 1)
    for (const [a] of arcs) this.offsets[a + 1]!++
    for (let i = 0; i < n; i++) this.offsets[i + 1]! += this.offsets[i]!
    const fill = this.offsets.slice(0, n)
    this.targets = new Int32Array(arcs.length)
    this.via = new Int32Array(arcs.length)
    for (const [a, b, k] of arcs) {
      const at = fill[a]!++
      this.targets[at] = b
      this.via[at] = k
    }
    this.masks = new Uint8Array(edges.length)
    this.states = new Uint8Array(edges.length)
    this.liveFrom = edges.map((e) => e.liveFrom)
    edges.forEach((e, k) => {
      this.states[k] = e.status === 'active' ? 0 : e.status === 'planned' ? 1 : 2
      let m = 0
      for (const o of e.objects) m |= OBJECT_BIT.get(o) ?? 0
      this.masks[k] = m
    })
    this.prev = new Int32Array(n)
    this.prevNode = new Int32Array(n)
    this.mark = new Uint32Array(n)
    this.queue = new Int32Array(n)
  }

  private readonly arcMasks = new Map<string, Uint8Array>()

  /**
   * Per arc, the objects it can carry by `neededBy` (0 when the integration does not count or
   * leads to a system gone by then), computed once per date: the search then tests one byte.
   */
  private masksFor(neededBy: string | null, today: string, strict: boolean): Uint8Array {
    const key = strict ? `${neededBy ?? ''}|${today}` : '*'
    let out = this.arcMasks.get(key)
    if (out) return out
    const n = this.nodes.length
    const nodeOk = new Uint8Array(n)
    for (let i = 0; i < n; i++)
      nodeOk[i] = strict ? (systemAvailable(this.nodes[i]!, neededBy, today) ? 1 : 0) : this.nodes[i]!.deleted ? 0 : 1
    const edgeOk = new Uint8Array(this.edges.length)
    for (let k = 0; k < this.edges.length; k++) {
      // Same rule as edgeUsable(), on the packed arrays.
      const state = this.states[k]!
      edgeOk[k] =
        !strict || state === 0 || (state === 1 && neededBy !== null && this.liveFrom[k] !== null && this.liveFrom[k]! <= neededBy) ? 1 : 0
    }
    out = new Uint8Array(this.targets.length)
    for (let i = 0; i < this.targets.length; i++) {
      const k = this.via[i]!
      out[i] = edgeOk[k] && nodeOk[this.targets[i]!] ? this.masks[k]! : 0
    }
    this.arcMasks.set(key, out)
    return out
  }

  /**
   * Breadth-first search from `from` to `to`; `strict` walks only integrations usable by
   * `neededBy` between available systems, otherwise any integration between existing systems.
   * Returns the path's integrations in order, or null.
   */
  path(
    from: string,
    to: string,
    object: DataObject | null,
    neededBy: string | null,
    today: string,
    strict: boolean,
  ): InventoryIntegration[] | null {
    const a = this.index.get(from)
    const b = this.index.get(to)
    if (a === undefined || b === undefined) return null
    if (strict && !systemAvailable(this.nodes[a]!, neededBy, today)) return null
    const bit = object === null ? ALL_OBJECTS : (OBJECT_BIT.get(object) ?? 0)
    const arcMask = this.masksFor(neededBy, today, strict)
    const { offsets, targets, mark, prev, prevNode, queue } = this
    const stamp = ++this.stamp
    mark[a] = stamp
    let head = 0
    let tail = 0
    queue[tail++] = a
    search: while (head < tail) {
      const at = queue[head++]!
      for (let i = offsets[at]!, end = offsets[at + 1]!; i < end; i++) {
        if (!(arcMask[i]! & bit)) continue
        const next = targets[i]!
        if (mark[next] === stamp) continue
        mark[next] = stamp
        prev[next] = this.via[i]!
        prevNode[next] = at
        if (next === b) break search
        queue[tail++] = next
      }
    }
    if (mark[b] !== stamp || a === b) return a === b ? [] : null
    const out: InventoryIntegration[] = []
    for (let at = b; at !== a; at = prevNode[at]!) out.push(this.edges[prev[at]!]!)
    return out.reverse()
  }
}

/** The inventory indexed for evaluation; build once, evaluate many requirements against it. */
export class InventoryIndex {
  readonly systemsById = new Map<string, InventorySystem>()
  private readonly liveSystemsByName = new Map<string, InventorySystem>()
  readonly capabilitiesById = new Map<string, InventoryCapability>()
  private readonly capabilitiesByName = new Map<string, InventoryCapability>()
  private readonly supportByCapability = new Map<string, InventorySupport[]>()
  private readonly supportByPair = new Map<string, SupportLevel>()
  private readonly graph: Graph
  private readonly figures = new Map<string, InventoryFigure>()

  constructor(inventory: Inventory) {
    for (const s of inventory.systems) {
      this.systemsById.set(s.id, s)
      if (!s.deleted) this.liveSystemsByName.set(s.name.trim().toLowerCase(), s)
    }
    for (const c of inventory.capabilities) {
      this.capabilitiesById.set(c.id, c)
      this.capabilitiesByName.set(c.name.trim().toLowerCase(), c)
    }
    for (const row of inventory.support) {
      this.supportByPair.set(`${row.systemId}|${row.capabilityId}`, row.level)
      if (row.level === 'none') continue
      const list = this.supportByCapability.get(row.capabilityId) ?? []
      list.push(row)
      this.supportByCapability.set(row.capabilityId, list)
    }
    this.graph = new Graph([...this.systemsById.values()], inventory.integrations)
    for (const f of inventory.dataQuality) {
      const key = figureKey(f.systemId, f.object, f.measure, f.field)
      const seen = this.figures.get(key)
      if (!seen || seen.asOf < f.asOf) this.figures.set(key, f)
    }
  }

  private readonly lifecycleMemo = new Map<string, Reason[]>()
  /** systemReasons(), remembered per system and date (many requirements share them). */
  lifecycleReasons(s: InventorySystem, neededBy: string | null, today: string): Reason[] {
    // Most systems are active with no renewal in the window: nothing to say, nothing to remember.
    if (
      s.lifecycle === 'active' &&
      !s.deleted &&
      (s.renewalDate === null || neededBy === null || s.renewalDate < today || s.renewalDate > neededBy)
    )
      return NO_REASONS
    const key = `${s.id}|${neededBy ?? ''}|${today}`
    let out = this.lifecycleMemo.get(key)
    if (!out) this.lifecycleMemo.set(key, (out = systemReasons(s, neededBy, today)))
    return out
  }

  private staleCutoff: [string, string] | null = null
  /** Figures measured before this day are stale. */
  staleBefore(today: string): string {
    if (this.staleCutoff?.[0] !== today) this.staleCutoff = [today, addDays(today, -STALE_FIGURE_DAYS)]
    return this.staleCutoff[1]
  }

  /** An id wins; a name (case-insensitive) finds a live system, so a typed name resolves once it is added. */
  system(ref: Ref): InventorySystem | null {
    if (ref.id) {
      const byId = this.systemsById.get(ref.id)
      if (byId) return byId
    }
    return this.liveSystemsByName.get(ref.name.trim().toLowerCase()) ?? null
  }

  capability(ref: Ref): InventoryCapability | null {
    if (ref.id) {
      const byId = this.capabilitiesById.get(ref.id)
      if (byId) return byId
    }
    return this.capabilitiesByName.get(ref.name.trim().toLowerCase()) ?? null
  }

  supportOf(systemId: string, capabilityId: string): SupportLevel {
    return this.supportByPair.get(`${systemId}|${capabilityId}`) ?? 'none'
  }

  supportersOf(capabilityId: string): InventorySupport[] {
    return this.supportByCapability.get(capabilityId) ?? []
  }

  figure(systemId: string, object: DataObject, measure: Measure, field: string | null): InventoryFigure | null {
    return this.figures.get(figureKey(systemId, object, measure, field)) ?? null
  }

  /** The integrations of a path from one system to another carrying `object`, usable by `neededBy`; null when there is none. */
  path(from: string, to: string, object: DataObject | null, neededBy: string | null, today: string): InventoryIntegration[] | null {
    return this.graph.path(from, to, object, neededBy, today, true)
  }

  /** A path ignoring status and lifecycle, to explain why the real one is missing. */
  anyPath(from: string, to: string, object: DataObject | null): InventoryIntegration[] | null {
    return this.graph.path(from, to, object, null, '', false)
  }
}

function figureKey(systemId: string, object: string, measure: string, field: string | null) {
  return `${systemId}|${object}|${measure}|${(field ?? '').trim().toLowerCase()}`
}

/** An integration counts if it is active, or planned and live by the day it is needed. Broken and disconnected never do. */
export function edgeUsable(edge: InventoryIntegration, object: DataObject | null, neededBy: string | null): boolean {
  if (object !== null && !edge.objects.includes(object)) return false
  if (edge.status === 'active') return true
  if (edge.status === 'planned') return edge.liveFrom !== null && neededBy !== null && edge.liveFrom <= neededBy
  return false
}

/** Whether a system still exists (and so carries data) on the day it is needed. */
export function systemAvailable(system: InventorySystem, neededBy: string | null, today: string): boolean {
  if (system.deleted || system.lifecycle === 'retired') return false
  if (system.lifecycle === 'phasing_out' && system.endDate !== null) {
    if (system.endDate <= today) return false
    if (neededBy !== null && system.endDate <= neededBy) return false
  }
  return true
}

/** What a system's lifecycle, end date and renewal mean for something needed by `neededBy`. */
export function systemReasons(s: InventorySystem, neededBy: string | null, today: string): Reason[] {
  if (s.deleted) return [{ code: 'system_deleted', status: 'fail', message: `${s.name} was deleted from the inventory` }]
  if (s.lifecycle === 'retired') return [{ code: 'system_retired', status: 'fail', message: `${s.name} is retired` }]
  const out: Reason[] = []
  if (s.lifecycle === 'phasing_out') {
    const code = 'system_phasing_out'
    if (s.endDate === null) out.push({ code, status: 'at_risk', message: `${s.name} is phasing out (no end date recorded)` })
    else if (s.endDate <= today) out.push({ code, status: 'fail', message: `${s.name} was phased out on ${s.endDate}` })
    else if (neededBy !== null && s.endDate <= neededBy)
      out.push({ code, status: 'fail', message: `${s.name} is phasing out on ${s.endDate}, before this is needed (${neededBy})` })
    else if (neededBy !== null)
      out.push({ code, status: 'at_risk', message: `${s.name} is phasing out on ${s.endDate}, soon after this is needed (${neededBy})` })
    else out.push({ code, status: 'at_risk', message: `${s.name} is phasing out on ${s.endDate}` })
  }
  if (s.lifecycle === 'evaluating') {
    out.push({ code: 'system_evaluating', status: 'at_risk', message: `${s.name} is still being evaluated, not yet in use` })
  }
  if (
    !out.some((r) => r.status === 'fail') &&
    s.renewalDate !== null &&
    neededBy !== null &&
    s.renewalDate >= today &&
    s.renewalDate <= neededBy
  ) {
    out.push({
      code: 'renewal_before_launch',
      status: 'at_risk',
      message: `${s.name}'s contract renews on ${s.renewalDate}, before launch (${neededBy})`,
    })
  }
  return out
}

function unknownRef(what: 'system' | 'capability', ref: Ref): Reason {
  return { code: 'unknown_reference', status: 'unknown', message: `“${ref.name}” is not a ${what} in the inventory` }
}

function result(req: Requirement, reasons: Reason[], dependsOn: (string | undefined)[] = []): RequirementResult {
  const ids = [...new Set(dependsOn.filter((x): x is string => typeof x === 'string'))]
  // The worst reason first: it is the headline wherever one line is shown (stable otherwise).
  const ordered = reasons.map((r, i) => [r, i] as const).sort((a, b) => STATUS_RANK[b[0].status] - STATUS_RANK[a[0].status] || a[1] - b[1])
  return { id: req.id, kind: req.kind, status: worst(reasons.map((r) => r.status)), reasons: ordered.map(([r]) => r), dependsOn: ids }
}

function supportReason(systemName: string, capabilityName: string, level: SupportLevel): Reason {
  switch (level) {
    case 'native':
      return { code: 'supported', status: 'pass', message: `${systemName} supports ${capabilityName} natively` }
    case 'partial':
      return { code: 'capability_partial', status: 'at_risk', message: `${systemName} supports ${capabilityName} only partially` }
    case 'addon':
      return { code: 'capability_addon', status: 'at_risk', message: `${systemName} supports ${capabilityName} only via an add-on` }
    case 'none':
      return { code: 'capability_missing', status: 'fail', message: `${systemName} does not support ${capabilityName}` }
  }
}

const NO_REASONS: Reason[] = []

const LEVEL_STATUS: Record<SupportLevel, FeasibilityStatus> = { native: 'pass', partial: 'at_risk', addon: 'at_risk', none: 'fail' }
const LEVEL_SHORT: Record<SupportLevel, string> = { native: 'native', partial: 'partial', addon: 'via add-on', none: 'none' }

function evaluateCapability(ix: InventoryIndex, req: CapabilityRequirement, today: string): RequirementResult {
  const cap = ix.capability(req.capability)
  if (!cap) return result(req, [unknownRef('capability', req.capability)])
  if (req.system) {
    const sys = ix.system(req.system)
    if (!sys) return result(req, [unknownRef('system', req.system)])
    if (sys.deleted) return result(req, systemReasons(sys, req.neededBy, today), [sys.id])
    return result(
      req,
      [supportReason(sys.name, cap.name, ix.supportOf(sys.id, cap.id)), ...systemReasons(sys, req.neededBy, today)],
      [sys.id],
    )
  }
  const candidates = ix
    .supportersOf(cap.id)
    .map((row) => ({ row, system: ix.systemsById.get(row.systemId) }))
    .filter((c): c is { row: InventorySupport; system: InventorySystem } => c.system !== undefined && !c.system.deleted)
    .map(({ row, system }) => {
      const life = ix.lifecycleReasons(system, req.neededBy, today)
      const status = life.length ? worst([LEVEL_STATUS[row.level], ...life.map((r) => r.status)]) : LEVEL_STATUS[row.level]
      return { system, level: row.level, life, status }
    })
    .sort(
      (a, b) =>
        STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.system.name < b.system.name ? -1 : a.system.name > b.system.name ? 1 : 0),
    )
  if (candidates.length === 0) {
    return result(req, [{ code: 'capability_missing', status: 'fail', message: `no system supports ${cap.name}` }])
  }
  const best = candidates[0]!
  const bestReasons = [supportReason(best.system.name, cap.name, best.level), ...best.life]
  if (best.status === 'pass' || candidates.some((c) => c.level === 'native')) return result(req, bestReasons, [best.system.id])
  // Nothing supports it natively: say so, with what there is.
  const summary = candidates
    .slice(0, 4)
    .map((c) => `${c.system.name}: ${LEVEL_SHORT[c.level]}`)
    .join(', ')
  const head: Reason = {
    code: best.level === 'addon' ? 'capability_addon' : 'capability_partial',
    status: 'at_risk',
    message: `no system supports ${cap.name} natively (${summary})`,
  }
  return result(req, [head, ...best.life], [best.system.id])
}

function describeEdge(ix: InventoryIndex, e: InventoryIntegration): string {
  const from = ix.systemsById.get(e.fromId)?.name ?? '?'
  const to = ix.systemsById.get(e.toId)?.name ?? '?'
  return `${from} → ${to}`
}

function evaluateFlow(ix: InventoryIndex, req: FlowRequirement, today: string): RequirementResult {
  const from = ix.system(req.from)
  const to = ix.system(req.to)
  const unknown = [...(from ? [] : [unknownRef('system', req.from)]), ...(to ? [] : [unknownRef('system', req.to)])]
  if (!from || !to) return result(req, unknown)
  const endpoints =
    from.id === to.id
      ? systemReasons(from, req.neededBy, today)
      : [...systemReasons(from, req.neededBy, today), ...systemReasons(to, req.neededBy, today)]
  if (endpoints.some((r) => r.status === 'fail')) return result(req, endpoints, [from.id, to.id])
  const onPath = new Set([from.id, to.id])
  const objects: (DataObject | null)[] = req.objects.length ? [...new Set(req.objects)] : [null]
  const missing: (DataObject | null)[] = []
  const planned = new Map<string, InventoryIntegration>()
  for (const object of objects) {
    const path = ix.path(from.id, to.id, object, req.neededBy, today)
    if (!path) {
      missing.push(object)
      continue
    }
    for (const e of path) {
      onPath.add(e.fromId).add(e.toId)
      if (e.status === 'planned') planned.set(e.id, e)
    }
  }
  const reasons: Reason[] = [...endpoints]
  if (missing.length) {
    const carried = missing.every((o) => o === null)
      ? ''
      : ` carries ${listOf(
          missing.filter((o) => o !== null),
          'or',
        )}`
    reasons.push({ code: 'no_path', status: 'fail', message: `no integration path from ${from.name} to ${to.name}${carried}` })
    const relaxed = ix.anyPath(from.id, to.id, missing[0] ?? null)
    const blocked = relaxed?.filter((e) => !edgeUsable(e, missing[0] ?? null, req.neededBy)) ?? []
    if (blocked.length) {
      const why = blocked.map((e) => {
        const state = e.status === 'planned' ? (e.liveFrom ? `planned for ${e.liveFrom}` : 'planned without a date') : e.status
        return `${describeEdge(ix, e)} is ${state}`
      })
      reasons.push({ code: 'no_path', status: 'fail', message: `the only route needs ${listOf(why)}` })
    } else if (relaxed) {
      const gone = relaxed.flatMap((e) => [e.fromId, e.toId]).map((id) => ix.systemsById.get(id)!)
      const unavailable = [...new Set(gone.filter((s) => !systemAvailable(s, req.neededBy, today)).map((s) => s.name))]
      if (unavailable.length) {
        reasons.push({
          code: 'no_path',
          status: 'fail',
          message: `the only route runs through ${listOf(unavailable)}, which will be gone by then`,
        })
      }
    }
    for (const e of relaxed ?? []) onPath.add(e.fromId).add(e.toId)
    return result(req, reasons, [...onPath])
  }
  const what = objects.every((o) => o === null) ? 'data' : listOf(objects.filter((o) => o !== null))
  reasons.push({ code: 'path_found', status: 'pass', message: `${what} flow from ${from.name} to ${to.name}` })
  for (const e of planned.values()) {
    reasons.push({
      code: 'path_planned',
      status: 'pass',
      message: `relies on the planned ${describeEdge(ix, e)} integration, live from ${e.liveFrom}`,
    })
  }
  return result(req, reasons, [...onPath])
}

function evaluateDataQuality(ix: InventoryIndex, req: DataQualityRequirement, today: string): RequirementResult {
  const sys = ix.system(req.system)
  if (!sys) return result(req, [unknownRef('system', req.system)])
  // A contract renewal does not change what the data looks like: only the lifecycle counts here.
  const lifecycle = systemReasons(sys, req.neededBy, today).filter((r) => r.code !== 'renewal_before_launch')
  if (sys.deleted) return result(req, lifecycle, [sys.id])
  const label = measureLabel(req.measure, req.field)
  const fig = ix.figure(sys.id, req.object, req.measure, req.field)
  if (!fig) {
    return result(
      req,
      [{ code: 'dq_missing', status: 'unknown', message: `no ${label} recorded for ${req.object} in ${sys.name}` }, ...lifecycle],
      [sys.id],
    )
  }
  const met = req.op === 'at_most' ? fig.value <= req.threshold : fig.value >= req.threshold
  const value = formatMeasureValue(req.measure, fig.value)
  const bar = formatMeasureValue(req.measure, req.threshold)
  const reasons: Reason[] = [
    met
      ? { code: 'dq_met', status: 'pass', message: `${label} ${value} meets the ${bar} bar (${req.object} in ${sys.name})` }
      : {
          code: 'dq_not_met',
          status: 'fail',
          message: `${label} ${value} is ${req.op === 'at_most' ? 'above' : 'below'} the ${bar} bar (${req.object} in ${sys.name}, as of ${fig.asOf})`,
        },
  ]
  if (fig.asOf < ix.staleBefore(today)) {
    reasons.push({ code: 'dq_stale', status: 'at_risk', message: `the ${label} was last measured on ${fig.asOf}; measure it again` })
  }
  return result(req, [...reasons, ...lifecycle], [sys.id])
}

/** Evaluates one requirement against an indexed inventory. */
export function evaluateOne(ix: InventoryIndex, req: Requirement, today: string): RequirementResult {
  switch (req.kind) {
    case 'capability':
      return evaluateCapability(ix, req, today)
    case 'flow':
      return evaluateFlow(ix, req, today)
    case 'data_quality':
      return evaluateDataQuality(ix, req, today)
  }
}

/** Every requirement's result with its reasons, and the overall result (the worst). */
export function evaluate(requirements: readonly Requirement[], inventory: Inventory | InventoryIndex, today: string): Evaluation {
  const ix = inventory instanceof InventoryIndex ? inventory : new InventoryIndex(inventory)
  const results = requirements.map((r) => evaluateOne(ix, r, today))
  return { overall: overallOf(results), results }
}

/** A stable fingerprint of a result, to tell whether it changed (stale assessments, change events). */
export function resultFingerprint(r: { status: FeasibilityStatus; reasons: readonly Reason[] }): string {
  return `${r.status}:${r.reasons.map((x) => `${x.code}/${x.status}/${x.message}`).join('|')}`
}

/** A requirement whose result an inventory change would make worse. */
export interface Worsening {
  id: string
  from: FeasibilityStatus
  to: FeasibilityStatus
  reason: string
}

/**
 * What an inventory change would break: the requirements whose result gets worse from `before`
 * to `after` (both evaluated against the same `today`), with the headline reason afterwards.
 */
export function worsenedBy(requirements: readonly Requirement[], before: Inventory, after: Inventory, today: string): Worsening[] {
  const a = evaluate(requirements, before, today).results
  const b = evaluate(requirements, after, today).results
  const out: Worsening[] = []
  a.forEach((r, i) => {
    const next = b[i]!
    if (STATUS_RANK[next.status] > STATUS_RANK[r.status])
      out.push({ id: r.id, from: r.status, to: next.status, reason: next.reasons[0]?.message ?? '' })
  })
  return out
}
