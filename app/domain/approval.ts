/** The approval gate and review rules: pure functions, shared by the services, the API and the UI. */
import type { FeasibilityStatus } from './feasibility.ts'
import type { MemberFunction } from './policies.ts'

export interface GateRequirement {
  id: string
  summary: string
  /** The engine's result now; null when the requirement has not been evaluated. */
  status: FeasibilityStatus | null
  /** MOps' assessment, when there is one that still matches the result (not stale). */
  assessed: boolean
}

export interface GateInput {
  requirements: GateRequirement[]
  commitments: number
  /** Unresolved comment threads marked blocking (their quote or first words, for the reason). */
  blockingThreads: { id: string; quote: string }[]
}

export type GateCheckKey = 'feasibility' | 'assessments' | 'commitments' | 'blocking'

export interface GateCheck {
  key: GateCheckKey
  label: string
  ok: boolean
  /** Why it does not pass (empty when it does). */
  detail: string
}

export interface GateResult {
  passed: boolean
  checks: GateCheck[]
  /** One sentence per failing check: what the UI shows beside a disabled Approve, and the API's 409 detail. */
  reasons: string[]
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * The approval checklist: every requirement has a feasibility result; each `fail` or `unknown`
 * carries an MOps assessment; at least one metric commitment; no unresolved blocking thread.
 */
export function evaluateGate(input: GateInput): GateResult {
  const unevaluated = input.requirements.filter((r) => r.status === null)
  const unassessed = input.requirements.filter((r) => (r.status === 'fail' || r.status === 'unknown') && !r.assessed)
  const checks: GateCheck[] = [
    {
      key: 'feasibility',
      label: 'Every requirement has a feasibility result',
      ok: unevaluated.length === 0,
      detail: unevaluated.length ? `${plural(unevaluated.length, 'requirement')} not evaluated: ${names(unevaluated)}` : '',
    },
    {
      key: 'assessments',
      label: 'Each failing or unknown requirement carries an MOps assessment',
      ok: unassessed.length === 0,
      detail: unassessed.length
        ? `${plural(unassessed.length, 'failing or unknown requirement')} without an MOps assessment: ${names(unassessed)}`
        : '',
    },
    {
      key: 'commitments',
      label: 'At least one metric commitment',
      ok: input.commitments > 0,
      detail: input.commitments > 0 ? '' : 'The narrative commits to no metric yet',
    },
    {
      key: 'blocking',
      label: 'No unresolved blocking comment thread',
      ok: input.blockingThreads.length === 0,
      detail: input.blockingThreads.length
        ? `${plural(input.blockingThreads.length, 'blocking comment thread')} unresolved${
            input.blockingThreads[0]!.quote ? `: “${input.blockingThreads[0]!.quote.slice(0, 60)}”` : ''
          }`
        : '',
    },
  ]
  const reasons = checks.filter((c) => !c.ok).map((c) => c.detail)
  return { passed: reasons.length === 0, checks, reasons }
}

function names(list: { summary: string }[]): string {
  const shown = list.slice(0, 3).map((r) => r.summary)
  return list.length > 3 ? `${shown.join(', ')} and ${list.length - 3} more` : shown.join(', ')
}

/** Who must approve before a narrative reaches the leadership library. */
export interface ApprovalPolicy {
  /** Functions that must each have an approver, when someone who may approve holds that function. */
  functions: readonly MemberFunction[]
  /** Distinct approvers at least: the author alone (or any one person) never approves a narrative. */
  minApprovers: number
}

/**
 * The policy every workspace follows: the CMO (the Marketing function) and the Marketing Ops lead,
 * and at least two people. A function nobody in the workspace holds is not required (a team
 * without a Marketing Ops lead can still approve), but the two-person rule always holds.
 */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = { functions: ['marketing', 'marketing_ops'], minApprovers: 2 }

const POLICY_SEATS: Partial<Record<MemberFunction, string>> = { marketing: 'the CMO (Marketing)', marketing_ops: 'the Marketing Ops lead' }

interface Candidate {
  userId: string
  name: string
  function: MemberFunction
}

/**
 * Why a set of approvers does not satisfy `policy` (empty when it does): the same sentences in
 * the Send-to-review dialog and in the server's 400. `eligible` are the members who may approve.
 */
export function approverPolicyReasons(
  policy: ApprovalPolicy,
  args: { approverIds: readonly string[]; eligible: readonly Candidate[] },
): string[] {
  const chosen = new Set(args.approverIds)
  const approvers = args.eligible.filter((m) => chosen.has(m.userId))
  const reasons: string[] = []
  if (chosen.size < policy.minApprovers) reasons.push(`Name at least ${policy.minApprovers} approvers: nobody approves a narrative alone`)
  for (const fn of policy.functions) {
    const holders = args.eligible.filter((m) => m.function === fn)
    if (holders.length === 0 || approvers.some((m) => m.function === fn)) continue
    const who = holders
      .slice(0, 3)
      .map((m) => m.name)
      .join(' or ')
    reasons.push(`The approval policy needs ${POLICY_SEATS[fn] ?? fn} as an approver: add ${who}`)
  }
  return reasons
}

export type ApproverDecision = 'approve' | 'changes' | null

/** Where a review stands from its approvers' decisions. */
export function reviewOutcome(decisions: ApproverDecision[]): 'approved' | 'changes_requested' | 'pending' {
  if (decisions.length > 0 && decisions.every((d) => d === 'approve')) return 'approved'
  if (decisions.some((d) => d === 'changes')) return 'changes_requested'
  return 'pending'
}

/** True when the text changed after `version` was taken (any committed update after its log position). */
export function isVersionStale(version: { throughSeq: number }, latestSeq: number): boolean {
  return latestSeq > version.throughSeq
}

export type MetricDrift = 'up' | 'down' | 'flat' | 'unknown'

/** How a committed metric moved between approval and now, in the metric's own terms. */
export function driftOf(approved: number | null, now: number | null): { delta: number | null; direction: MetricDrift } {
  if (approved === null || now === null) return { delta: null, direction: 'unknown' }
  const delta = now - approved
  return { delta, direction: Math.abs(delta) < 1e-9 ? 'flat' : delta > 0 ? 'up' : 'down' }
}
