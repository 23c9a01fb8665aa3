import { describe, expect, it } from 'vitest'
import * as policies from './policies.ts'
import { FUNCTIONS, ROLES, navigationFor, type Actor, type MemberFunction, type NarrativeStatus, type Role } from './policies.ts'

const actor = (role: Role): Actor => ({ userId: 'u', workspaceId: 'w', role })
const STATUSES: NarrativeStatus[] = ['draft', 'in_review', 'approved', 'archived']
const writer = (role: Role) => role === 'owner' || role === 'editor'

// The product rules (issue 2, PRODUCT.md), written out per role so that a change to a policy shows
// up here as a deliberate edit of the table. Every exported can* function must have a row.

/** Abilities that depend on the role only: (actor) => boolean. */
const BY_ROLE: Record<string, Record<Role, boolean>> = {
  canManageWorkspace: { owner: true, editor: false, commenter: false, reader: false },
  canSeeWorkingMaterial: { owner: true, editor: true, commenter: true, reader: false },
  canCreateNarrative: { owner: true, editor: true, commenter: false, reader: false },
  canManageNarrative: { owner: true, editor: true, commenter: false, reader: false },
  canComment: { owner: true, editor: true, commenter: true, reader: false },
  canEditInventory: { owner: true, editor: true, commenter: false, reader: false },
  canAssessFeasibility: { owner: true, editor: true, commenter: false, reader: false },
  canReadMetrics: { owner: true, editor: true, commenter: true, reader: true },
  canEditMetrics: { owner: true, editor: true, commenter: false, reader: false },
  canEditMetricSettings: { owner: true, editor: false, commenter: false, reader: false },
  canEditRoadmap: { owner: true, editor: true, commenter: false, reader: false },
  canGiveStance: { owner: true, editor: true, commenter: true, reader: false },
  canEditRoadmapWeights: { owner: true, editor: false, commenter: false, reader: false },
  // Issue 7: version history is working material; anyone but readers can be named approver.
  canSeeVersions: { owner: true, editor: true, commenter: true, reader: false },
  canBeApprover: { owner: true, editor: true, commenter: true, reader: false },
  // Issue 13: dropping blocks the document schema refuses is an owner's call.
  canRepairNarrative: { owner: true, editor: false, commenter: false, reader: false },
}

/** Abilities on a narrative in a given status: (actor, { status }) => boolean. */
const BY_STATUS: Record<string, (role: Role, status: NarrativeStatus) => boolean> = {
  // Readers (leadership) see approved narratives only; everyone else sees every status.
  canReadNarrative: (role, status) => role !== 'reader' || status === 'approved',
  // Text changes: owners and editors, while the narrative is not archived.
  canEditNarrative: (role, status) => writer(role) && status !== 'archived',
  canEditRequirements: (role, status) => writer(role) && status !== 'archived',
  canEditCommitments: (role, status) => writer(role) && status !== 'archived',
  canRequestReview: (role, status) => writer(role) && status !== 'archived',
}

/**
 * Abilities on a metric that follow the membership's function too: (actor, { ownerFunction }) => boolean.
 * Finance (a commenter in the demo) records the actuals of finance-owned metrics; readers never write.
 */
const BY_FUNCTION: Record<string, (role: Role, fn: MemberFunction, owner: MemberFunction | null) => boolean> = {
  canRecordActuals: (role, fn, owner) => writer(role) || (role !== 'reader' && owner !== null && fn === owner),
  // A metric line's note on a review: the same people as its actuals.
  canWriteReviewNote: (role, fn, owner) => writer(role) || (role !== 'reader' && owner !== null && fn === owner),
}
const OWNERS: (MemberFunction | null)[] = ['finance', 'sales', null]
/** Policies on other inputs, each tested on its own below. */
const OTHER = ['canReadApprovedVersion']

type Policy = (a: Actor, n?: { status: NarrativeStatus }) => boolean
const policy = (name: string) => (policies as unknown as Record<string, Policy>)[name]!

describe('policies', () => {
  it('every exported can* policy has a row in the tables above (add one when you add a policy)', () => {
    const exported = Object.keys(policies).filter((k) => /^can[A-Z]/.test(k))
    const covered = [...Object.keys(BY_ROLE), ...Object.keys(BY_STATUS), ...Object.keys(BY_FUNCTION), ...OTHER]
    expect(
      exported.filter((k) => !covered.includes(k)),
      'policies without expectations in app/domain/policies.test.ts',
    ).toEqual([])
    expect(
      covered.filter((k) => !exported.includes(k)),
      'expectations for policies that no longer exist',
    ).toEqual([])
  })

  it('every member reads an approved version (the library), whatever the draft status; nothing before one exists', () => {
    for (const role of ROLES) {
      expect(policies.canReadApprovedVersion(actor(role), { approvedVersionId: 'v' })).toBe(true)
      expect(policies.canReadApprovedVersion(actor(role), { approvedVersionId: null })).toBe(false)
    }
  })

  describe.each(ROLES)('%s', (role) => {
    it.each(Object.keys(BY_ROLE))('%s', (name) => {
      expect(policy(name)(actor(role))).toBe(BY_ROLE[name]![role])
    })

    it.each(Object.keys(BY_STATUS).flatMap((name) => STATUSES.map((status) => ({ name, status }))))(
      '$name on a $status narrative',
      ({ name, status }) => {
        expect(policy(name)(actor(role), { status })).toBe(BY_STATUS[name]!(role, status))
      },
    )

    it.each(
      Object.keys(BY_FUNCTION).flatMap((name) =>
        FUNCTIONS.flatMap((fn) => OWNERS.map((owner) => ({ name, fn, owner: owner ?? 'nobody' }))),
      ),
    )('$name: a $fn member on a metric owned by $owner', ({ name, fn, owner }) => {
      const ownerFunction = owner === 'nobody' ? null : (owner as MemberFunction)
      const check = (policies as unknown as Record<string, (a: Actor, m: { ownerFunction: MemberFunction | null }) => boolean>)[name]!
      expect(check({ ...actor(role), function: fn }, { ownerFunction })).toBe(BY_FUNCTION[name]!(role, fn, ownerFunction))
    })

    it('an actor without a function (the collaboration server) records actuals only as a writer', () => {
      expect(policies.canRecordActuals(actor(role), { ownerFunction: 'finance' })).toBe(writer(role))
    })

    it("a review's overall note is for writers only, whatever the function", () => {
      expect(policies.canWriteReviewNote({ ...actor(role), function: 'finance' }, null)).toBe(writer(role))
    })

    it('navigation matches the policies the pages check', () => {
      const working = BY_ROLE.canSeeWorkingMaterial![role]
      expect(navigationFor(actor(role))).toEqual({
        narratives: working,
        roadmap: working,
        metrics: BY_ROLE.canReadMetrics![role],
        stack: working,
        approved: true,
        settings: BY_ROLE.canManageWorkspace![role],
      })
    })
  })
})
