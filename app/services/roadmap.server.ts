import { assertIfMatch, type IfMatch } from './preconditions.server.ts'
import type { Keyset } from '#db/queries/api-conventions.ts'
import { getSql, type Db } from '#db/client.ts'
import * as initiatives from '#db/queries/initiatives.ts'
import * as stances from '#db/queries/stances.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as comments from '#db/queries/comments.ts'
import { getMetricSettings, listMetrics } from '#db/queries/metrics.ts'
import { listNarratives } from '#db/queries/narratives.ts'
import { forbidden, invalid, notFound } from '#app/domain/errors.ts'
import { overallOf, type FeasibilityStatus } from '#app/domain/feasibility.ts'
import { currentPeriod, periodKey } from '#app/domain/periods.ts'
import {
  canComment,
  canEditRoadmap,
  canEditRoadmapWeights,
  canGiveStance,
  canSeeWorkingMaterial,
  FUNCTIONS,
  FUNCTION_LABELS,
  type Actor,
  type MemberFunction,
} from '#app/domain/policies.ts'
import {
  DEFAULT_WEIGHTS,
  STANCE_LABELS,
  countStancesByFunction,
  horizonOf,
  rankByScore,
  scoreInitiative,
  sizeForWeeks,
  timeframeLabel,
  type FunctionInput,
  type Horizon,
  type ScoreBreakdown,
  type ScoringWeights,
  type Stance,
} from '#app/domain/prioritisation.ts'
import type { InitiativeInput, InitiativePatch, StanceInput } from '#app/schemas/roadmap.ts'
import type { CommentIntent } from '#app/schemas/comments.ts'
import { bus } from '#app/events/bus.ts'
import {
  deleteComment,
  editComment,
  listInitiativeThreads,
  replyToThread,
  setThreadResolved,
  startInitiativeThread,
  type ThreadView,
} from './comments.server.ts'
import { notify } from './notifications.server.ts'
import type { InitiativeJson, StanceJson } from '#app/schemas/responses.ts'

export interface StanceView {
  userId: string
  name: string
  function: MemberFunction
  functionLabel: string
  stance: Stance
  reason: string
  updatedAt: string
  mine: boolean
}

export interface InitiativeView {
  id: string
  title: string
  description: string
  owner: { id: string; name: string } | null
  narrative: { id: string; title: string } | null
  timeframe: string
  timeframeLabel: string
  horizon: Horizon
  status: initiatives.InitiativeRow['status']
  effort: initiatives.InitiativeRow['effort']
  effortWeeks: number | null
  position: number
  impacts: initiatives.ImpactRow[]
  /** Initiatives have no requirements of their own yet: this is the linked narrative's overall result. */
  feasibility: { status: FeasibilityStatus; source: 'narrative' | 'none'; requirements: number }
  breakdown: ScoreBreakdown
  /** 1 = highest score in the workspace. */
  rank: number
  /** Stakeholder input per function, e.g. Sales: 3 support, 1 concern. */
  input: (FunctionInput<MemberFunction> & { label: string })[]
  updatedAt: string
}

function assertWorking(actor: Actor) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers see approved narratives only; the roadmap is working material')
}
function assertEdit(actor: Actor) {
  if (!canEditRoadmap(actor)) throw forbidden('Only owners and editors can change initiatives; commenters give their stance instead')
}

/** What the actor may do on the roadmap, for the UI (which never re-derives policy). */
export function roadmapAbilities(actor: Actor) {
  return { edit: canEditRoadmap(actor), stance: canGiveStance(actor), comment: canComment(actor), weights: canEditRoadmapWeights(actor) }
}

/** The workspace's scoring weights (the defaults until an owner sets them). */
async function weightsOf(db: Db, workspaceId: string): Promise<ScoringWeights> {
  return { ...DEFAULT_WEIGHTS, ...((await initiatives.getWeights(db, workspaceId)) ?? {}) }
}

async function currentQuarterOf(db: Db, workspaceId: string) {
  const settings = await getMetricSettings(db, workspaceId)
  return periodKey(currentPeriod('quarter', { startMonth: settings.fiscalYearStartMonth }))
}

function toViews(rows: initiatives.InitiativeRow[], all: stances.StanceRow[], weights: ScoringWeights, currentQuarter: string) {
  const byInitiative = new Map<string, stances.StanceRow[]>()
  for (const s of all) byInitiative.set(s.initiativeId, [...(byInitiative.get(s.initiativeId) ?? []), s])
  const views = rows.map((r): Omit<InitiativeView, 'rank'> => {
    const feasibility = r.narrativeId ? overallOf(r.narrativeFeasibility.map((status) => ({ status }))) : 'unknown'
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      owner: r.ownerId && r.ownerName ? { id: r.ownerId, name: r.ownerName } : null,
      narrative: r.narrativeId && r.narrativeTitle !== null ? { id: r.narrativeId, title: r.narrativeTitle } : null,
      timeframe: r.timeframe,
      timeframeLabel: timeframeLabel(r.timeframe),
      horizon: horizonOf(r.timeframe, currentQuarter),
      status: r.status,
      effort: r.effort,
      effortWeeks: r.effortWeeks,
      position: r.position,
      impacts: r.impacts,
      feasibility: { status: feasibility, source: r.narrativeId ? 'narrative' : 'none', requirements: r.narrativeFeasibility.length },
      breakdown: scoreInitiative(
        {
          impacts: r.impacts.map((i) => ({ ...i, metricName: i.metricName ?? i.metricKey })),
          effort: r.effort,
          effortWeeks: r.effortWeeks,
          feasibility,
        },
        weights,
      ),
      input: countStancesByFunction(byInitiative.get(r.id) ?? [], FUNCTIONS).map((c) => ({ ...c, label: FUNCTION_LABELS[c.function] })),
      updatedAt: r.updatedAt.toISOString(),
    }
  })
  const ranks = new Map(rankByScore(views).map((v, i) => [v.id, i + 1]))
  return views.map((v) => ({ ...v, rank: ranks.get(v.id)! }))
}

/** The roadmap of the actor's workspace: every initiative scored, with what the forms need. */
export async function getRoadmapFor(actor: Actor) {
  assertWorking(actor)
  const db = getSql()
  const [rows, all, weights, currentQuarter, members, metrics, narratives] = await Promise.all([
    initiatives.listInitiatives(db, actor.workspaceId),
    stances.listStances(db, { workspaceId: actor.workspaceId }),
    weightsOf(db, actor.workspaceId),
    currentQuarterOf(db, actor.workspaceId),
    workspaces.listMembers(db, actor.workspaceId),
    listMetrics(db, actor.workspaceId),
    listNarratives(db, { workspaceId: actor.workspaceId }),
  ])
  return {
    initiatives: toViews(rows, all, weights, currentQuarter),
    weights,
    currentQuarter,
    members: members.map((m) => ({ id: m.userId, name: m.name, function: m.function })),
    metrics: metrics.map((m) => ({ key: m.key, name: m.name, direction: m.direction, northStar: m.northStar })),
    narratives: narratives.map((n) => ({ id: n.id, title: n.title })),
    can: roadmapAbilities(actor),
  }
}

/** One initiative of the workspace, scored; missing and foreign are the same 404. */
export async function getInitiativeFor(actor: Actor, id: string, db: Db = getSql()): Promise<InitiativeView> {
  assertWorking(actor)
  const [row, all, weights, currentQuarter] = await Promise.all([
    initiatives.getInitiative(db, { id, workspaceId: actor.workspaceId }),
    stances.listStances(db, { workspaceId: actor.workspaceId, initiativeId: id }),
    weightsOf(db, actor.workspaceId),
    currentQuarterOf(db, actor.workspaceId),
  ])
  if (!row) throw notFound('Initiative')
  const [view] = toViews([row], all, weights, currentQuarter)
  // The rank is workspace-wide: count the initiatives that score higher.
  const everyone = toViews(await initiatives.listInitiatives(db, actor.workspaceId), [], weights, currentQuarter)
  return { ...view!, rank: everyone.find((v) => v.id === id)?.rank ?? 1 }
}

/** The stances on an initiative, newest first. */
export async function listStancesFor(actor: Actor, initiativeId: string): Promise<StanceView[]> {
  await getVisible(actor, initiativeId)
  const rows = await stances.listStances(getSql(), { workspaceId: actor.workspaceId, initiativeId })
  return rows.map((s) => ({
    userId: s.userId,
    name: s.userName,
    function: s.function,
    functionLabel: FUNCTION_LABELS[s.function],
    stance: s.stance,
    reason: s.reason,
    updatedAt: s.updatedAt.toISOString(),
    mine: s.userId === actor.userId,
  }))
}

/** Everything the initiative page shows: the initiative, stances, discussion and abilities. */
export async function getInitiativeDetailFor(actor: Actor, id: string) {
  const initiative = await getInitiativeFor(actor, id)
  const [stanceViews, threads, members, membership] = await Promise.all([
    listStancesFor(actor, id),
    listInitiativeThreads(actor, id),
    workspaces.listMembers(getSql(), actor.workspaceId),
    workspaces.getMembership(getSql(), { workspaceId: actor.workspaceId, userId: actor.userId }),
  ])
  return {
    initiative,
    stances: stanceViews,
    threads: threads satisfies ThreadView[],
    members: members.map((m) => ({ id: m.userId, name: m.name })),
    myFunction: membership ? FUNCTION_LABELS[membership.function] : null,
    can: roadmapAbilities(actor),
  }
}

async function getVisible(actor: Actor, id: string) {
  assertWorking(actor)
  const row = await initiatives.getInitiative(getSql(), { id, workspaceId: actor.workspaceId })
  if (!row) throw notFound('Initiative')
  return row
}

/** Owner and narrative must be of the workspace: otherwise a 400 on that field (nothing leaks beyond "not found"). */
async function assertReferences(db: Db, actor: Actor, f: { ownerId?: string | null; narrativeId?: string | null }) {
  if (f.ownerId) {
    const m = await workspaces.getMembership(db, { workspaceId: actor.workspaceId, userId: f.ownerId })
    if (!m) throw invalid('Some fields need attention', { ownerId: ['Not a member of this workspace'] })
  }
  if (f.narrativeId && !(await initiatives.narrativeInWorkspace(db, { id: f.narrativeId, workspaceId: actor.workspaceId }))) {
    throw invalid('Some fields need attention', { narrativeId: ['No such narrative in this workspace'] })
  }
}

function changed(actor: Actor, initiativeId?: string) {
  bus.publish({ type: 'roadmap.changed', workspaceId: actor.workspaceId, ...(initiativeId ? { initiativeId } : {}) })
}

/** Creates an initiative at the end of its column (owners and editors). */
export async function createInitiative(actor: Actor, input: InitiativeInput) {
  assertWorking(actor)
  assertEdit(actor)
  const id = await getSql().begin(async (tx) => {
    await assertReferences(tx, actor, input)
    const newId = await initiatives.insertInitiative(tx, {
      workspaceId: actor.workspaceId,
      createdBy: actor.userId,
      ...input,
      effort: input.effortWeeks ? sizeForWeeks(input.effortWeeks) : input.effort,
    })
    await initiatives.replaceImpacts(tx, { initiativeId: newId, workspaceId: actor.workspaceId, impacts: input.impacts })
    return newId
  })
  changed(actor, id)
  return getInitiativeFor(actor, id)
}

/** Changes the fields sent; a new timeframe puts the initiative at the end of that column. */
export async function updateInitiative(actor: Actor, id: string, patch: InitiativePatch, ifMatch?: IfMatch) {
  assertWorking(actor)
  const current = await getVisible(actor, id)
  assertEdit(actor)
  await getSql().begin(async (tx) => {
    await assertIfMatch(tx, { table: 'initiatives', id, workspaceId: actor.workspaceId }, ifMatch, 'Initiative')
    if (!(await initiatives.lockInitiative(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Initiative')
    await assertReferences(tx, actor, patch)
    const effortWeeks = patch.effortWeeks !== undefined ? patch.effortWeeks : current.effortWeeks
    const next = {
      title: patch.title ?? current.title,
      description: patch.description ?? current.description,
      ownerId: patch.ownerId !== undefined ? patch.ownerId : current.ownerId,
      narrativeId: patch.narrativeId !== undefined ? patch.narrativeId : current.narrativeId,
      timeframe: patch.timeframe ?? current.timeframe,
      status: patch.status ?? current.status,
      effort: patch.effortWeeks ? sizeForWeeks(patch.effortWeeks) : (patch.effort ?? current.effort),
      effortWeeks: patch.effort && patch.effortWeeks === undefined ? null : effortWeeks,
    }
    await initiatives.updateInitiative(tx, { id, workspaceId: actor.workspaceId, ...next })
    if (next.timeframe !== current.timeframe) {
      const column = (await initiatives.lockColumn(tx, { workspaceId: actor.workspaceId, timeframe: next.timeframe })).filter(
        (x) => x !== id,
      )
      await initiatives.placeInColumn(tx, { workspaceId: actor.workspaceId, timeframe: next.timeframe, ids: [...column, id] })
    }
    if (patch.impacts) await initiatives.replaceImpacts(tx, { initiativeId: id, workspaceId: actor.workspaceId, impacts: patch.impacts })
  })
  changed(actor, id)
  return getInitiativeFor(actor, id)
}

/** Moves an initiative on the board: to `timeframe`, at `index` in that column (clamped). */
export async function moveInitiative(actor: Actor, id: string, to: { timeframe: string; index: number }, ifMatch?: IfMatch) {
  assertWorking(actor)
  await getVisible(actor, id)
  assertEdit(actor)
  await getSql().begin(async (tx) => {
    await assertIfMatch(tx, { table: 'initiatives', id, workspaceId: actor.workspaceId }, ifMatch, 'Initiative')
    if (!(await initiatives.lockInitiative(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Initiative')
    const column = (await initiatives.lockColumn(tx, { workspaceId: actor.workspaceId, timeframe: to.timeframe })).filter((x) => x !== id)
    column.splice(Math.min(to.index, column.length), 0, id)
    await initiatives.placeInColumn(tx, { workspaceId: actor.workspaceId, timeframe: to.timeframe, ids: column })
  })
  changed(actor, id)
  return getInitiativeFor(actor, id)
}

/** Deletes an initiative with its impacts, stances and discussion (owners and editors). */
export async function deleteInitiative(actor: Actor, id: string) {
  await getVisible(actor, id)
  assertEdit(actor)
  if (!(await initiatives.deleteInitiative(getSql(), { id, workspaceId: actor.workspaceId }))) throw notFound('Initiative')
  changed(actor, id)
}

/**
 * Records the actor's stance (support, concern, block) with its reason and their function; it
 * replaces their previous one. The initiative's owner is notified.
 */
export async function setStance(actor: Actor, initiativeId: string, input: StanceInput) {
  const initiative = await getVisible(actor, initiativeId)
  if (!canGiveStance(actor)) throw forbidden('Readers cannot give input on initiatives')
  let after = () => {}
  const created = await getSql().begin(async (tx) => {
    const membership = await workspaces.getMembership(tx, { workspaceId: actor.workspaceId, userId: actor.userId })
    if (!membership) throw notFound('Initiative')
    const inserted = await stances.upsertStance(tx, { initiativeId, userId: actor.userId, ...input, function: membership.function })
    if (initiative.ownerId) {
      after = await notify(tx, [
        {
          workspaceId: actor.workspaceId,
          userId: initiative.ownerId,
          kind: 'stance',
          actorId: actor.userId,
          initiativeId,
          excerpt: `${STANCE_LABELS[input.stance]} (${FUNCTION_LABELS[membership.function]}): ${input.reason}`,
        },
      ])
    }
    return inserted
  })
  changed(actor, initiativeId)
  after()
  return { created, stances: await listStancesFor(actor, initiativeId) }
}

/** Withdraws the actor's stance. */
export async function withdrawStance(actor: Actor, initiativeId: string) {
  await getVisible(actor, initiativeId)
  if (!canGiveStance(actor)) throw forbidden('Readers cannot give input on initiatives')
  await stances.deleteStance(getSql(), { initiativeId, userId: actor.userId })
  changed(actor, initiativeId)
}

/** Sets the workspace's scoring weights (owners). */
export async function updateWeights(actor: Actor, weights: ScoringWeights) {
  assertWorking(actor)
  if (!canEditRoadmapWeights(actor)) throw forbidden('Only workspace owners can change how the roadmap is scored')
  await initiatives.upsertWeights(getSql(), actor.workspaceId, weights)
  changed(actor)
}

/** Starts a discussion thread on an initiative (anyone who may comment). */
export async function startInitiativeDiscussion(actor: Actor, initiativeId: string, body: string) {
  return startInitiativeThread(actor, initiativeId, body, async () => {
    await getVisible(actor, initiativeId)
  })
}

/** The discussion threads of an initiative. */
export async function listInitiativeDiscussion(actor: Actor, initiativeId: string, page?: Keyset) {
  await getVisible(actor, initiativeId)
  return listInitiativeThreads(actor, initiativeId, page)
}

/** Runs one comment action on an initiative's threads (the page's fetchers; `start` takes the body only). */
export async function runInitiativeCommentIntent(
  actor: Actor,
  initiativeId: string,
  intent: CommentIntent | { intent: 'new'; body: string },
): Promise<{ threadId?: string; commentId?: string }> {
  await getVisible(actor, initiativeId)
  const threadOf = async (threadId: string) => {
    const t = await comments.getThread(getSql(), { id: threadId, workspaceId: actor.workspaceId })
    if (!t || t.initiativeId !== initiativeId) throw notFound('Thread')
  }
  switch (intent.intent) {
    case 'new':
    case 'start':
      return { threadId: await startInitiativeDiscussion(actor, initiativeId, intent.body) }
    case 'reply':
      await threadOf(intent.threadId)
      return { commentId: await replyToThread(actor, intent.threadId, intent.body) }
    case 'edit':
      await editComment(actor, intent.commentId, intent.body)
      return { commentId: intent.commentId }
    case 'delete':
      await deleteComment(actor, intent.commentId)
      return {}
    case 'resolve':
    case 'reopen':
      await threadOf(intent.threadId)
      await setThreadResolved(actor, intent.threadId, intent.intent === 'resolve')
      return { threadId: intent.threadId }
    case 'blocking':
      // Blocking threads hold back a narrative's approval; initiatives have no approval.
      throw invalid('Only threads on narratives can block approval')
  }
}

/** The JSON the API returns for an initiative. */
export function initiativeJson(v: InitiativeView): InitiativeJson {
  return {
    id: v.id,
    title: v.title,
    description: v.description,
    owner: v.owner,
    narrative: v.narrative,
    timeframe: v.timeframe,
    status: v.status,
    effort: v.effort,
    effortWeeks: v.effortWeeks,
    expectedImpacts: v.impacts.map((i) => ({
      metric: i.metricKey,
      metricName: i.metricName,
      inDictionary: i.metricId !== null,
      expectedChange: i.expectedChange,
      confidence: i.confidence,
    })),
    feasibility: v.feasibility,
    score: v.breakdown.score,
    rank: v.rank,
    breakdown: v.breakdown,
    input: v.input.map(({ label: _l, ...c }) => c),
    updatedAt: v.updatedAt,
  }
}

export function stanceJson(s: StanceView): StanceJson {
  return { userId: s.userId, name: s.name, function: s.function, stance: s.stance, reason: s.reason, updatedAt: s.updatedAt }
}
