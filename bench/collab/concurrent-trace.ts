/**
 * The concurrent editing traces of ../shared/bench-data (friendsforever: two people writing
 * together) turned into Yjs updates, one per transaction, each made on its author's own document
 * at exactly the version its `parents` name. Each author's transactions form a chain (every one
 * has the author's previous one in its history), so an author's document only ever needs the
 * other authors' transactions it has not seen yet, in their order: a version vector per
 * transaction says how many of each author's transactions it has seen.
 */
import * as Y from 'yjs'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { BENCH_DATA, paragraphText } from './trace.ts'
import { ensureParagraph, textNodeMap } from './client.ts'

export interface ConcurrentTrace {
  endContent: string
  numAgents: number
  txns: { parents: number[]; agent: number; patches: [number, number, string][] }[]
}

export function loadConcurrentTrace(name = 'friendsforever.json.gz'): ConcurrentTrace {
  return JSON.parse(gunzipSync(readFileSync(`${BENCH_DATA}/${name}`)).toString('utf8')) as ConcurrentTrace
}

export interface ConcurrentReplay {
  /** Applied to every client's document first: the Lexical text node the trace writes into. */
  setup: Uint8Array
  /** The client id each author's changes carry. */
  clientIds: number[]
  /**
   * One V1 update per transaction, with its author, what its author had seen of each author before
   * it (`needs[b]`: the clock of author b's client id) and its author's clock after it.
   */
  txns: { agent: number; update: Uint8Array; needs: number[]; clockAfter: number }[]
  /** The text of the merge of everything (checked against endContent). */
  text: string
  matchesEndContent: boolean
}

/** The text the trace writes (the first paragraph's characters) in a Lexical-shaped document. */
export function traceText(doc: Y.Doc): string {
  const root = doc.get('root', Y.XmlText)
  for (const op of root.toDelta() as { insert: unknown }[]) if (op.insert instanceof Y.XmlText) return paragraphText(op.insert)
  return ''
}

/**
 * Replays `trace` on top of `base` (the server's seed: one empty Lexical paragraph) into
 * per-transaction updates. `limit` replays a prefix (endContent is then not checked).
 */
export function replayConcurrentTrace(
  trace: ConcurrentTrace,
  base: Uint8Array | null,
  limit = Infinity,
  // Yjs orders concurrent inserts at one place by client id; endContent has them in agent order,
  // so agent 0 gets the lowest id (with the ids reversed, 'friendsforever' ends differently).
  clientIds: number[] = Array.from({ length: trace.numAgents }, (_, i) => 1000 + i),
): ConcurrentReplay {
  const setupDoc = new Y.Doc()
  if (base) Y.applyUpdate(setupDoc, base)
  const before = Y.encodeStateVector(setupDoc)
  const p0 = ensureParagraph(setupDoc)
  setupDoc.transact(() => p0.insertEmbed(p0.length, textNodeMap()))
  const setup = Y.encodeStateAsUpdate(setupDoc, base ? before : undefined)
  const full = Y.encodeStateAsUpdate(setupDoc)
  setupDoc.destroy()

  const agents = trace.numAgents
  const docs = Array.from({ length: agents }, (_, a) => {
    const d = new Y.Doc()
    d.clientID = clientIds[a]!
    Y.applyUpdate(d, full)
    return d
  })
  const paragraphs = docs.map((d) => ensureParagraph(d))
  const offset = paragraphs[0]!.length
  const seen = docs.map(() => new Array<number>(agents).fill(0))
  const byAgent: number[][] = Array.from({ length: agents }, () => [])
  const versions: number[][] = []
  const txns: ConcurrentReplay['txns'] = []
  const n = Math.min(limit, trace.txns.length)
  for (let i = 0; i < n; i++) {
    const t = trace.txns[i]!
    const a = t.agent
    const target = new Array<number>(agents).fill(0)
    for (const parent of t.parents) for (let k = 0; k < agents; k++) target[k] = Math.max(target[k]!, versions[parent]![k]!)
    if (target[a] !== seen[a]![a]) throw new Error(`transaction ${i}: agent ${a}'s transactions are not a chain`)
    for (let b = 0; b < agents; b++) {
      if (b === a) continue
      if (seen[a]![b]! > target[b]!) throw new Error(`transaction ${i}: agent ${a} has seen more of agent ${b} than its parents`)
      for (let k = seen[a]![b]!; k < target[b]!; k++) Y.applyUpdate(docs[a]!, txns[byAgent[b]![k]!]!.update)
      seen[a]![b] = target[b]!
    }
    const needs = clientIds.map((id) => Y.getState(docs[a]!.store, id))
    const p = paragraphs[a]!
    let update: Uint8Array | null = null
    const onUpdate = (u: Uint8Array) => (update = update ? Y.mergeUpdates([update, u]) : u)
    docs[a]!.on('update', onUpdate)
    docs[a]!.transact(() => {
      for (const [pos, del, ins] of t.patches) {
        if (del > 0) p.delete(offset + pos, del)
        if (ins) p.insert(offset + pos, ins)
      }
    })
    docs[a]!.off('update', onUpdate)
    txns.push({ agent: a, update: update ?? new Uint8Array([0, 0]), needs, clockAfter: Y.getState(docs[a]!.store, clientIds[a]!) })
    byAgent[a]!.push(i)
    target[a] = target[a]! + 1
    versions.push(target)
    seen[a] = [...target]
  }
  const merged = new Y.Doc()
  Y.applyUpdate(merged, full)
  for (const t of txns) Y.applyUpdate(merged, t.update)
  const text = traceText(merged)
  merged.destroy()
  for (const d of docs) d.destroy()
  return { setup, clientIds, txns, text, matchesEndContent: n === trace.txns.length && text === trace.endContent }
}

/** What one author sends at once: the merge of some of its transactions, and what it must have seen first. */
export interface ReplayStep {
  agent: number
  update: Uint8Array
  /** Per author: the clock of its client id the sender's document must have reached before sending. */
  needs: number[]
  transactions: number
}

/**
 * Groups the replay into what each author sends, like people typing while their editors batch:
 * an author's transactions accumulate until another author's next transaction depends on them
 * (then they go out, and that author waits to receive them before it sends what depends on
 * them), or `maxPerStep` of them wait. Each step is causally ready on its sender's document when
 * its `needs` are met, so a real provider sends it at once (Yjs would hold an update with missing
 * dependencies and the provider would never send it).
 */
export function stepsOf(replay: ConcurrentReplay, maxPerStep = 2000): ReplayStep[] {
  const agents = replay.clientIds.length
  const steps: ReplayStep[] = []
  const batch = Array.from({ length: agents }, () => ({
    updates: [] as Uint8Array[],
    needs: new Array<number>(agents).fill(0),
    endClock: 0,
  }))
  const sent = new Array<number>(agents).fill(0)
  const flush = (b: number) => {
    const x = batch[b]!
    if (x.updates.length === 0) return
    steps.push({
      agent: b,
      update: x.updates.length === 1 ? x.updates[0]! : Y.mergeUpdates(x.updates),
      needs: x.needs,
      transactions: x.updates.length,
    })
    sent[b] = x.endClock
    batch[b] = { updates: [], needs: new Array<number>(agents).fill(0), endClock: x.endClock }
  }
  for (const t of replay.txns) {
    for (let b = 0; b < agents; b++) if (b !== t.agent && t.needs[b]! > sent[b]!) flush(b)
    const x = batch[t.agent]!
    x.updates.push(t.update)
    for (let b = 0; b < agents; b++) if (b !== t.agent) x.needs[b] = Math.max(x.needs[b]!, t.needs[b]!)
    x.endClock = t.clockAfter
    if (x.updates.length >= maxPerStep) flush(t.agent)
  }
  for (let b = 0; b < agents; b++) flush(b)
  return steps
}

/** True when `doc` has everything `step` depends on. */
export function stepReady(doc: Y.Doc, step: ReplayStep, clientIds: number[]): boolean {
  return step.needs.every((clock, b) => b === step.agent || Y.getState(doc.store, clientIds[b]!) >= clock)
}

/**
 * Plays `steps` into the authors' live documents (each bound to its own provider): waits until
 * the sender's document has received what a step depends on, then applies it (the provider sends
 * it), at most `perSecond` steps per author (Accord allows 100 messages/s per connection).
 * Returns how long it took; throws when a step's dependencies do not arrive within `stallMs`.
 */
export async function playSteps(
  docs: Y.Doc[],
  replay: ConcurrentReplay,
  steps: ReplayStep[],
  opts: { perSecond?: number; stallMs?: number } = {},
): Promise<number> {
  const interval = 1000 / (opts.perSecond ?? 80)
  const stallMs = opts.stallMs ?? 30_000
  const lastSent = docs.map(() => -Infinity)
  const started = performance.now()
  for (const step of steps) {
    const doc = docs[step.agent]!
    const waitingSince = performance.now()
    while (!stepReady(doc, step, replay.clientIds)) {
      if (performance.now() - waitingSince > stallMs)
        throw new Error(`replay stalled: author ${step.agent} never received what it depends on`)
      await new Promise((r) => setTimeout(r, 1))
    }
    const wait = lastSent[step.agent]! + interval - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    Y.applyUpdate(doc, step.update)
    lastSent[step.agent] = performance.now()
  }
  return performance.now() - started
}
