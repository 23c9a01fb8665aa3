/**
 * Live references in a narrative's text (capability, system and metric chips): the server keeps the
 * relational side in step with what the text says (links, and a requirement per capability chip),
 * and the editor reads back their live status (feasibility, metric value and health) for the chips
 * and the Feasibility / Metrics tabs beside the text.
 */
import { getSql, type Db, type Sql } from '#db/client.ts'
import { listCapabilities, listSystems, loadInventory } from '#db/queries/inventory.ts'
import * as links from '#db/queries/narrative-links.ts'
import { listMetrics } from '#db/queries/metrics.ts'
import { listRequirements } from '#db/queries/requirements.ts'
import { forbidden } from '#app/domain/errors.ts'
import { evaluateOne, InventoryIndex, systemReasons, worst, type FeasibilityStatus } from '#app/domain/feasibility.ts'
import { formatValue, HEALTH_LABELS, needsLeadingIndicator, type Health } from '#app/domain/metrics.ts'
import { canSeeWorkingMaterial, type Actor } from '#app/domain/policies.ts'
import type { ChipKind, ChipRef } from '#app/document/nodes/ChipNode.ts'
import { bus } from '#app/events/bus.ts'
import { getNarrativeFeasibility, publishFeasibility, reevaluateWorkspace, todayIso } from './feasibility.server.ts'
import { listCommitmentsFor, syncTextCommitments, type CommitmentSync } from '#app/services/metrics/commitments.server.ts'
import { getDashboardFor, STANDING_GRANULARITY } from '#app/services/metrics/series.server.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// ---------- Derivation (called by the collaboration server after each derive) ----------

/** What one derivation changed. */
export interface LinkSync extends CommitmentSync {
  linksAdded: number
  linksRemoved: number
  requirementsAdded: number
  requirementsRemoved: number
}

/**
 * Keeps a narrative's links and chip-derived requirements in step with the chips of its text:
 * references to things of another workspace (a pasted chip) or that no longer exist are ignored;
 * a capability chip states a capability requirement unless the narrative already states one for it
 * (by hand or from another chip); derived requirements whose chip is gone are removed. Requirements
 * entered on the feasibility page (`source = 'manual'`) are never touched. Metric chips do the same
 * for commitments (syncTextCommitments).
 */
export async function syncNarrativeLinks(sql: Sql, narrativeId: string, refs: readonly ChipRef[]): Promise<LinkSync> {
  const events: (() => void)[] = []
  const result = await sql.begin(async (tx) => {
    // The row lock serialises two derivations of one narrative (e.g. on two instances).
    const narrative = await links.lockNarrativeForLinks(tx, narrativeId)
    if (!narrative)
      return {
        linksAdded: 0,
        linksRemoved: 0,
        requirementsAdded: 0,
        requirementsRemoved: 0,
        commitmentsAdded: 0,
        commitmentsRemoved: 0,
        commitmentsMarked: 0,
      }
    const { workspaceId } = narrative
    const [capabilities, systems, metrics] = await Promise.all([
      listCapabilities(tx, workspaceId),
      listSystems(tx, workspaceId),
      listMetrics(tx, workspaceId),
    ])
    const known: Record<ChipKind, Map<string, string>> = {
      capability: new Map(capabilities.map((c) => [c.id, ''])),
      system: new Map(systems.map((s) => [s.id, ''])),
      metric: new Map(metrics.map((m) => [m.id, m.key])),
    }
    const valid = refs.filter((r) => UUID.test(r.refId) && known[r.kind].has(r.refId.toLowerCase()))
    const { added, removed } = await links.replaceNarrativeLinks(tx, {
      workspaceId,
      narrativeId,
      links: valid.map((r) => ({
        kind: r.kind,
        refId: r.refId.toLowerCase(),
        refKey: known[r.kind].get(r.refId.toLowerCase()) ?? '',
        label: r.label.slice(0, 200),
      })),
    })

    const wanted = new Set(valid.filter((r) => r.kind === 'capability').map((r) => r.refId.toLowerCase()))
    const existing = await links.listCapabilityRequirements(tx, { workspaceId, narrativeId })
    const stated = new Set(existing.map((r) => r.capabilityId))
    let requirementsAdded = 0
    for (const capabilityId of wanted) {
      if (stated.has(capabilityId)) continue
      const name = capabilities.find((c) => c.id === capabilityId)!.name
      if (await links.insertTextRequirement(tx, { workspaceId, narrativeId, capabilityId, capabilityName: name, createdBy: null }))
        requirementsAdded++
    }
    // A derived row goes when its chip goes, or when a hand-entered one states the same capability.
    const manual = new Set(existing.filter((r) => r.source === 'manual').map((r) => r.capabilityId))
    const stale = existing
      .filter((r) => r.source === 'text' && (r.capabilityId === null || !wanted.has(r.capabilityId) || manual.has(r.capabilityId)))
      .map((r) => r.id)
    const requirementsRemoved = await links.deleteTextRequirements(tx, { workspaceId, narrativeId, ids: stale })

    if (requirementsAdded || requirementsRemoved) {
      const changes = await reevaluateWorkspace(tx, workspaceId)
      if (!changes.some((c) => c.narrativeId === narrativeId)) {
        const rows = await listRequirements(tx, { workspaceId, narrativeId })
        changes.push({ narrativeId, failing: rows.filter((r) => r.status === 'fail').length, newlyFailing: 0 })
      }
      events.push(() => publishFeasibility(workspaceId, changes))
    }
    // A metric chip commits the narrative to moving that metric (unless it already does).
    const cited = new Set(valid.filter((r) => r.kind === 'metric').map((r) => r.refId.toLowerCase()))
    const commitments = await syncTextCommitments(tx, { workspaceId, narrativeId, metrics, citedIds: cited })
    const commitmentsChanged = commitments.commitmentsAdded + commitments.commitmentsRemoved + commitments.commitmentsMarked > 0
    if (added || removed || commitmentsChanged) events.push(() => bus.publish({ type: 'commitments.changed', workspaceId, narrativeId }))
    return { linksAdded: added, linksRemoved: removed, requirementsAdded, requirementsRemoved, ...commitments }
  })
  // After the commit: listeners that re-read must see the new rows.
  for (const publish of events) publish()
  return result
}

// ---------- Typeahead ----------

export interface ReferenceOption {
  kind: ChipKind
  id: string
  /** Metric key; '' otherwise. */
  key: string
  label: string
  /** A short second line: "System · CRM", "Capability", "Metric · leading". */
  detail: string
}

const SYSTEM_CATEGORY_LABEL = (category: string) => category.replace(/_/g, ' ')

/**
 * What `#` (capabilities and systems) or `$` (metrics) can insert, matching `q` (names and keys
 * starting with it first, then containing it), at most `limit`.
 */
export async function searchReferences(actor: Actor, args: { trigger: 'hash' | 'dollar'; q: string; limit?: number }, db: Db = getSql()) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden()
  const q = args.q.trim().toLowerCase()
  const limit = args.limit ?? 8
  let options: ReferenceOption[]
  if (args.trigger === 'hash') {
    const [capabilities, systems] = await Promise.all([listCapabilities(db, actor.workspaceId), listSystems(db, actor.workspaceId)])
    options = [
      ...capabilities.map((c) => ({ kind: 'capability' as const, id: c.id, key: '', label: c.name, detail: 'Capability' })),
      ...systems.map((s) => ({
        kind: 'system' as const,
        id: s.id,
        key: '',
        label: s.name,
        detail: `System · ${SYSTEM_CATEGORY_LABEL(s.category)}`,
      })),
    ]
  } else {
    const metrics = await listMetrics(db, actor.workspaceId)
    options = metrics.map((m) => ({
      kind: 'metric' as const,
      id: m.id,
      key: m.key,
      label: m.name,
      detail: `Metric · ${m.key} · ${m.indicator}`,
    }))
  }
  const rank = (o: ReferenceOption) => {
    const label = o.label.toLowerCase()
    if (!q) return 1
    if (label.startsWith(q) || o.key.startsWith(q)) return 0
    if (label.includes(q) || o.key.includes(q) || label.split(/[\s-]+/).some((w) => w.startsWith(q))) return 1
    return -1
  }
  return options
    .map((o) => ({ o, r: rank(o) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.o.label.localeCompare(b.o.label))
    .slice(0, limit)
    .map((x) => x.o)
}

// ---------- Live status: chips and the Feasibility / Metrics tabs ----------

/** One chip's live status on the one scale of meanings. */
export interface ChipStatus {
  status: FeasibilityStatus
  /** The word ("Pass", "At risk", "On track"…). */
  word: string
  /** Why, in one line (the feasibility reason, or "$4.2M of $4.6M target · Mar 2027"). */
  reason: string
  /** Metrics: the current value and the target, formatted with their unit. */
  value?: string
  target?: string
}

const FEASIBILITY_WORDS: Record<FeasibilityStatus, string> = { pass: 'Pass', at_risk: 'At risk', fail: 'Fail', unknown: 'Unknown' }
/** Metric health on the one scale (UI.md): behind is amber, at risk red. */
const HEALTH_STATUS: Record<Health, FeasibilityStatus> = { on_track: 'pass', behind: 'at_risk', at_risk: 'fail', unknown: 'unknown' }

export type ChipRequest = Record<ChipKind, string[]>

/**
 * Everything the editor shows beside and inside the text: the status of each chip in `chips`
 * (ids the editor currently holds, so a chip just typed has a status before the next derivation),
 * the narrative's requirements with results, its commitments with progress, and the metrics the
 * text cites.
 */
export async function getNarrativeEvidence(actor: Actor, narrativeId: string, chips: ChipRequest) {
  const feasibility = await getNarrativeFeasibility(actor, narrativeId)
  const narrative = feasibility.narrative
  const sql = getSql()
  const [inventory, requirementRows, commitments, dashboard, linkRows] = await Promise.all([
    loadInventory(sql, actor.workspaceId),
    listRequirements(sql, { workspaceId: actor.workspaceId, narrativeId: narrative.id }),
    listCommitmentsFor(actor, narrative.id),
    getDashboardFor(actor, { granularity: STANDING_GRANULARITY }),
    links.listNarrativeLinks(sql, { workspaceId: actor.workspaceId, narrativeId: narrative.id }),
  ])
  const ix = new InventoryIndex(inventory)
  const today = todayIso()
  const statuses: Record<string, ChipStatus> = {}

  for (const id of chips.capability) {
    const cap = inventory.capabilities.find((c) => c.id === id)
    if (!cap) {
      statuses[`capability:${id}`] = { status: 'unknown', word: 'Unknown', reason: 'This capability is no longer in the inventory' }
      continue
    }
    // The narrative's own requirement for it (its needed-by date counts), else "in any system, any time".
    const row = requirementRows.find((r) => r.kind === 'capability' && r.capabilityId === id && !r.systemId && !r.systemName)
    const result = evaluateOne(
      ix,
      {
        id: row?.id ?? `chip-${id}`,
        kind: 'capability',
        capability: { id, name: cap.name },
        system: null,
        neededBy: row?.neededBy ?? null,
      },
      today,
    )
    statuses[`capability:${id}`] = {
      status: result.status,
      word: FEASIBILITY_WORDS[result.status],
      reason: result.reasons.map((r) => r.message).join('; ') || `${cap.name}: no reasons recorded`,
    }
  }
  for (const id of chips.system) {
    const sys = ix.system({ id, name: '' })
    if (!sys) {
      statuses[`system:${id}`] = { status: 'fail', word: 'Fail', reason: 'This system was deleted from the inventory' }
      continue
    }
    const reasons = systemReasons(sys, null, today)
    const status = worst(
      reasons.map((r) => r.status),
      'pass',
    )
    statuses[`system:${id}`] = {
      status,
      word: FEASIBILITY_WORDS[status],
      reason: reasons.map((r) => r.message).join('; ') || `${sys.name} is ${sys.lifecycle === 'active' ? 'in use' : sys.lifecycle}`,
    }
  }
  const byId = new Map(dashboard.metrics.map((m) => [m.metric.id, m]))
  const currency = dashboard.ctx.currency
  const metricView = (id: string) => {
    const m = byId.get(id)
    if (!m) return null
    const fmt = (v: number | null | undefined) =>
      formatValue(v, m.metric.unit, { currency: m.metric.currency ?? currency, style: 'summary' })
    const health = m.latest?.health ?? 'unknown'
    return {
      id,
      key: m.metric.key,
      name: m.metric.name,
      indicator: m.metric.indicator,
      health,
      value: fmt(m.latest?.actual),
      target: fmt(m.latest?.target),
      period: m.latest?.label ?? null,
    }
  }
  for (const id of chips.metric) {
    const m = metricView(id)
    statuses[`metric:${id}`] = m
      ? {
          status: HEALTH_STATUS[m.health],
          word: HEALTH_LABELS[m.health],
          reason: m.period ? `${m.value} against a target of ${m.target} (${m.period})` : 'No actuals yet',
          value: m.value,
          target: m.target,
        }
      : { status: 'unknown', word: 'Unknown', reason: 'This metric is no longer in the dictionary' }
  }

  const committed = new Set(commitments.commitments.map((c) => c.metricId))
  const cited = linkRows
    .filter((l) => l.kind === 'metric' && !committed.has(l.refId))
    .map((l) => metricView(l.refId))
    .filter((m): m is NonNullable<typeof m> => m !== null)
  const derived = new Set(await links.listTextRequirementIds(sql, { workspaceId: actor.workspaceId, narrativeId: narrative.id }))
  return {
    chips: statuses,
    feasibility: {
      overall: feasibility.overall,
      requirements: feasibility.requirements.map((r) => ({
        id: r.id,
        summary: r.summary,
        status: r.status,
        reasons: r.reasons.map((x) => x.message),
        neededBy: r.neededBy,
        fromText: derived.has(r.id),
      })),
    },
    metrics: {
      canEdit: commitments.can.edit,
      commitments: commitments.commitments.map((c) => {
        const fmt = (v: number | null) => formatValue(v, c.metric.unit, { currency: c.metric.currency ?? currency, style: 'summary' })
        return {
          id: c.id,
          name: c.metric.name,
          key: c.metric.key,
          indicator: c.metric.indicator,
          baseline: fmt(c.baseline),
          target: fmt(c.target),
          current: fmt(c.current),
          currentPeriod: c.currentPeriod,
          pace: c.pace === null ? null : fmt(c.pace),
          dueOn: c.dueOn,
          progress: c.progress,
          passed: c.passed,
          health: c.health,
          source: c.source,
          inText: c.inText,
          edited: c.editedAt !== null,
          // The stored terms, for the panel's edit form.
          terms: { baseline: c.baseline, target: c.target, dueOn: c.dueOn, granularity: c.granularity, note: c.note },
        }
      }),
      cited,
      // "Add a leading indicator": everything the narrative commits to or cites is lagging.
      needsLeadingIndicator: needsLeadingIndicator([
        ...commitments.commitments.map((c) => ({ kind: c.metric.indicator })),
        ...cited.map((m) => ({ kind: m.indicator })),
      ]),
    },
  }
}

export type NarrativeEvidence = Awaited<ReturnType<typeof getNarrativeEvidence>>
