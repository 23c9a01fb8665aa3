import { describe, expect, it } from 'vitest'
import {
  approverPolicyReasons,
  DEFAULT_APPROVAL_POLICY,
  driftOf,
  evaluateGate,
  isVersionStale,
  reviewOutcome,
  type GateInput,
} from './approval.ts'

const passing: GateInput = {
  requirements: [
    { id: 'r1', summary: 'Lead scoring in Marketo', status: 'pass', assessed: false },
    { id: 'r2', summary: 'Attribution', status: 'fail', assessed: true },
  ],
  commitments: 1,
  blockingThreads: [],
}

describe('evaluateGate', () => {
  it('passes when every rule holds', () => {
    const gate = evaluateGate(passing)
    expect(gate.passed).toBe(true)
    expect(gate.reasons).toEqual([])
    expect(gate.checks.map((c) => c.ok)).toEqual([true, true, true, true])
  })

  it('requires an MOps assessment on each failing or unknown requirement, not on passing or at-risk ones', () => {
    const gate = evaluateGate({
      ...passing,
      requirements: [
        { id: 'a', summary: 'A', status: 'fail', assessed: false },
        { id: 'b', summary: 'B', status: 'unknown', assessed: false },
        { id: 'c', summary: 'C', status: 'at_risk', assessed: false },
      ],
    })
    expect(gate.passed).toBe(false)
    expect(gate.checks.find((c) => c.key === 'assessments')).toMatchObject({ ok: false })
    expect(gate.reasons).toEqual(['2 failing or unknown requirements without an MOps assessment: A, B'])
  })

  it('requires a result for every requirement', () => {
    const gate = evaluateGate({ ...passing, requirements: [{ id: 'a', summary: 'A', status: null, assessed: false }] })
    expect(gate.checks.find((c) => c.key === 'feasibility')?.ok).toBe(false)
    expect(gate.reasons[0]).toContain('not evaluated: A')
  })

  it('requires at least one metric commitment', () => {
    const gate = evaluateGate({ ...passing, commitments: 0 })
    expect(gate.passed).toBe(false)
    expect(gate.reasons).toEqual(['The narrative commits to no metric yet'])
  })

  it('is blocked by an unresolved blocking thread, naming it', () => {
    const gate = evaluateGate({ ...passing, blockingThreads: [{ id: 't', quote: 'Budget line' }] })
    expect(gate.passed).toBe(false)
    expect(gate.reasons).toEqual(['1 blocking comment thread unresolved: “Budget line”'])
  })

  it('lists every failing check at once', () => {
    const gate = evaluateGate({
      requirements: [{ id: 'a', summary: 'A', status: 'fail', assessed: false }],
      commitments: 0,
      blockingThreads: [{ id: 't', quote: '' }],
    })
    expect(gate.reasons).toHaveLength(3)
  })

  it('names at most three requirements', () => {
    const requirements = ['A', 'B', 'C', 'D', 'E'].map((s) => ({ id: s, summary: s, status: 'unknown' as const, assessed: false }))
    expect(evaluateGate({ ...passing, requirements }).reasons[0]).toContain('A, B, C and 2 more')
  })
})

describe('reviewOutcome', () => {
  it('is approved only when everyone approved', () => {
    expect(reviewOutcome(['approve', 'approve'])).toBe('approved')
    expect(reviewOutcome(['approve', null])).toBe('pending')
    expect(reviewOutcome(['approve', 'changes'])).toBe('changes_requested')
    expect(reviewOutcome([])).toBe('pending')
  })
})

describe('isVersionStale and driftOf', () => {
  it('a version is stale once anything was committed after it', () => {
    expect(isVersionStale({ throughSeq: 10 }, 10)).toBe(false)
    expect(isVersionStale({ throughSeq: 10 }, 11)).toBe(true)
  })
  it('drift compares now with the approved value', () => {
    expect(driftOf(100, 110)).toEqual({ delta: 10, direction: 'up' })
    expect(driftOf(100, 90)).toEqual({ delta: -10, direction: 'down' })
    expect(driftOf(100, 100).direction).toBe('flat')
    expect(driftOf(null, 5).direction).toBe('unknown')
  })
})

describe('approverPolicyReasons (the default approval policy)', () => {
  const cmo = { userId: 'c', name: 'Claire', function: 'marketing' as const }
  const mops = { userId: 'm', name: 'Maya', function: 'marketing_ops' as const }
  const sales = { userId: 's', name: 'Sam', function: 'sales' as const }
  const eligible = [cmo, mops, sales]
  const reasons = (approverIds: string[], members = eligible) =>
    approverPolicyReasons(DEFAULT_APPROVAL_POLICY, { approverIds, eligible: members })

  it('passes the CMO and the MOps lead, with or without others', () => {
    expect(reasons(['c', 'm'])).toEqual([])
    expect(reasons(['c', 'm', 's'])).toEqual([])
  })

  it('never passes one person, even the CMO of a workspace without a MOps lead', () => {
    expect(reasons(['c'])).toContain('Name at least 2 approvers: nobody approves a narrative alone')
    expect(reasons(['c'], [cmo, sales])).toEqual(['Name at least 2 approvers: nobody approves a narrative alone'])
    expect(reasons([])).toHaveLength(3)
  })

  it('names the missing seat and who can fill it', () => {
    expect(reasons(['c', 's'])).toEqual(['The approval policy needs the Marketing Ops lead as an approver: add Maya'])
    expect(reasons(['m', 's'])).toEqual(['The approval policy needs the CMO (Marketing) as an approver: add Claire'])
  })

  it('does not require a function nobody who may approve holds', () => {
    expect(reasons(['c', 's'], [cmo, sales])).toEqual([])
  })
})
