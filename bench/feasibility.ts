/**
 * Feasibility engine benchmark: 1,000 requirements against 300 systems and 2,000 integrations.
 * Target: a whole evaluation (index + every requirement) under 20 ms. Run: `tsx bench/feasibility.ts`.
 */
import { performance } from 'node:perf_hooks'
import { evaluate, type Inventory, type Requirement } from '../app/domain/feasibility.ts'
import { DATA_OBJECTS, LIFECYCLES, SUPPORT_LEVELS, type DataObject, type IntegrationStatus } from '../app/domain/inventory.ts'

const SYSTEMS = 300
const CAPABILITIES = 60
const INTEGRATIONS = 2000
const REQUIREMENTS = 1000
const RUNS = Number(process.env.RUNS ?? 200)

// A deterministic pseudo-random generator (mulberry32), so every run measures the same inventory.
let seed = 42
function rand() {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
const day = () => `202${6 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-15`

function build(): { inventory: Inventory; requirements: Requirement[] } {
  const systems = Array.from({ length: SYSTEMS }, (_, i) => {
    const lifecycle = rand() < 0.85 ? 'active' : pick(LIFECYCLES)
    return {
      id: `s${i}`,
      name: `System ${i}`,
      lifecycle,
      endDate: lifecycle === 'phasing_out' ? day() : null,
      renewalDate: rand() < 0.5 ? day() : null,
      deleted: rand() < 0.01,
    }
  })
  const capabilities = Array.from({ length: CAPABILITIES }, (_, i) => ({ id: `c${i}`, name: `Capability ${i}` }))
  const support = new Map<string, Inventory['support'][number]>()
  for (let i = 0; i < SYSTEMS * 6; i++) {
    const systemId = `s${Math.floor(rand() * SYSTEMS)}`
    const capabilityId = `c${Math.floor(rand() * CAPABILITIES)}`
    support.set(`${systemId}|${capabilityId}`, { systemId, capabilityId, level: pick(SUPPORT_LEVELS) })
  }
  const integrations = Array.from({ length: INTEGRATIONS }, (_, i) => {
    const from = Math.floor(rand() * SYSTEMS)
    const to = (from + 1 + Math.floor(rand() * (SYSTEMS - 1))) % SYSTEMS
    const status: IntegrationStatus = rand() < 0.8 ? 'active' : pick(['planned', 'broken', 'disconnected'] as const)
    return {
      id: `e${i}`,
      fromId: `s${from}`,
      toId: `s${to}`,
      direction: rand() < 0.3 ? ('two_way' as const) : ('one_way' as const),
      objects: DATA_OBJECTS.filter(() => rand() < 0.4) as DataObject[],
      status,
      liveFrom: status === 'planned' ? day() : null,
    }
  })
  const dataQuality = systems.flatMap((s) => [
    {
      systemId: s.id,
      object: 'contacts' as const,
      measure: 'duplicate_rate' as const,
      field: null,
      value: rand() * 10,
      asOf: '2026-10-01',
    },
    {
      systemId: s.id,
      object: 'contacts' as const,
      measure: 'fill_rate' as const,
      field: 'email',
      value: 60 + rand() * 40,
      asOf: '2026-10-01',
    },
  ])
  const requirements: Requirement[] = Array.from({ length: REQUIREMENTS }, (_, i): Requirement => {
    const neededBy = rand() < 0.9 ? day() : null
    const kind = i % 3
    const s = () => ({ id: `s${Math.floor(rand() * SYSTEMS)}`, name: '' })
    if (kind === 0)
      return {
        id: `r${i}`,
        kind: 'capability',
        capability: { id: `c${Math.floor(rand() * CAPABILITIES)}`, name: '' },
        system: rand() < 0.3 ? s() : null,
        neededBy,
      }
    if (kind === 1) return { id: `r${i}`, kind: 'flow', from: s(), to: s(), objects: [pick(DATA_OBJECTS), pick(DATA_OBJECTS)], neededBy }
    return {
      id: `r${i}`,
      kind: 'data_quality',
      system: s(),
      object: 'contacts',
      measure: 'duplicate_rate',
      field: null,
      op: 'at_most',
      threshold: 2 + rand() * 5,
      neededBy,
    }
  })
  return { inventory: { systems, capabilities, support: [...support.values()], integrations, dataQuality }, requirements }
}

const { inventory, requirements } = build()
const today = '2026-11-01'
for (let i = 0; i < 20; i++) evaluate(requirements, inventory, today) // warm-up (JIT)

// Wall time, and this process's CPU time: on a shared machine the wall clock also counts time
// spent waiting for a core, which says nothing about the engine.
const times: number[] = []
const cpu: number[] = []
let last = evaluate(requirements, inventory, today)
for (let i = 0; i < RUNS; i++) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  last = evaluate(requirements, inventory, today)
  times.push(performance.now() - t0)
  const c = process.cpuUsage(c0)
  cpu.push((c.user + c.system) / 1000)
}
times.sort((a, b) => a - b)
cpu.sort((a, b) => a - b)
const q = (p: number, xs = times) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!
const counts = last.results.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {})

console.log(
  `feasibility: ${REQUIREMENTS} requirements × ${SYSTEMS} systems × ${INTEGRATIONS} integrations, ${RUNS} runs (index built each run)`,
)
console.log(`  wall: p50 ${q(0.5).toFixed(2)} ms   p95 ${q(0.95).toFixed(2)} ms   max ${times[times.length - 1]!.toFixed(2)} ms`)
console.log(
  `  cpu:  p50 ${q(0.5, cpu).toFixed(2)} ms   p95 ${q(0.95, cpu).toFixed(2)} ms   (process CPU time per run; timer resolution ~1 ms)`,
)
console.log(
  `  target p50 < 20 ms: ${q(0.5) < 20 ? 'met' : 'MISSED'} (wall)   load average now: ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`,
)
console.log(
  `  results: ${Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
)
