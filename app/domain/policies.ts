/** Who may do what: pure functions shared by routes, the API and the collaboration server. */

export const ROLES = ['owner', 'editor', 'commenter', 'reader'] as const
export type Role = (typeof ROLES)[number]

export const FUNCTIONS = ['marketing', 'marketing_ops', 'sales', 'finance', 'customer_success', 'product', 'leadership', 'other'] as const
export type MemberFunction = (typeof FUNCTIONS)[number]

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  editor: 'Editor',
  commenter: 'Commenter',
  reader: 'Reader',
}

export const FUNCTION_LABELS: Record<MemberFunction, string> = {
  marketing: 'Marketing',
  marketing_ops: 'Marketing Ops',
  sales: 'Sales',
  finance: 'Finance',
  customer_success: 'Customer Success',
  product: 'Product',
  leadership: 'Leadership',
  other: 'Other',
}

/** A signed-in person acting inside one workspace. */
export interface Actor {
  userId: string
  workspaceId: string
  role: Role
  /**
   * The membership's function (finance, sales…): some rights follow it, e.g. finance records the
   * actuals of the metrics finance owns. Absent where no such right is checked (the collaboration server).
   */
  function?: MemberFunction
}

export type NarrativeStatus = 'draft' | 'in_review' | 'approved' | 'archived'

export function canManageWorkspace(actor: Actor): boolean {
  return actor.role === 'owner'
}

/** Working material (drafts, inventory, roadmap) is for everyone but readers. */
export function canSeeWorkingMaterial(actor: Actor): boolean {
  return actor.role !== 'reader'
}

export function canCreateNarrative(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** Readers (leadership) see approved narratives only; everyone else sees every narrative. */
export function canReadNarrative(actor: Actor, narrative: { status: NarrativeStatus }): boolean {
  return actor.role !== 'reader' || narrative.status === 'approved'
}

/** Text changes: owners and editors, while the narrative is not archived. */
export function canEditNarrative(actor: Actor, narrative: { status: NarrativeStatus }): boolean {
  return (actor.role === 'owner' || actor.role === 'editor') && narrative.status !== 'archived'
}

/** Rename, archive and restore. */
export function canManageNarrative(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** Remove content the document schema refuses from a narrative (its Versions page's repair). */
export function canRepairNarrative(actor: Actor): boolean {
  return actor.role === 'owner'
}

export function canComment(actor: Actor): boolean {
  return actor.role !== 'reader'
}

/** The navigation a role sees; pages check the same policies on the server. */
export function navigationFor(actor: Actor) {
  const working = canSeeWorkingMaterial(actor)
  return {
    narratives: working,
    roadmap: working,
    // Readers (leadership) see metric dashboards and reviews read-only.
    metrics: true,
    stack: working,
    approved: true,
    settings: canManageWorkspace(actor),
  }
}

/** The tech-stack inventory (systems, capabilities, integrations, data quality): owners and editors write. */
export function canEditInventory(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** Stating a narrative's requirements follows the right to edit its text. */
export function canEditRequirements(actor: Actor, narrative: { status: NarrativeStatus }): boolean {
  return canEditNarrative(actor, narrative)
}

/** MOps' assessment of a requirement (confirm, accept risk, block): owners and editors. */
export function canAssessFeasibility(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** Metric dashboards (dictionary, charts, reviews) are for everyone, readers included. */
export function canReadMetrics(_actor: Actor): boolean {
  return true
}

/** The metric dictionary, targets and actuals: owners and editors write. */
export function canEditMetrics(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** The fiscal calendar, health thresholds and currency of the workspace's metrics: owners. */
export function canEditMetricSettings(actor: Actor): boolean {
  return actor.role === 'owner'
}

/** A narrative's commitments follow the right to edit its text. */
export function canEditCommitments(actor: Actor, narrative: { status: NarrativeStatus }): boolean {
  return canEditNarrative(actor, narrative)
}

/** Roadmap initiatives (create, edit, move, delete): owners and editors. */
export function canEditRoadmap(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'editor'
}

/** A stance (support, concern, block) on an initiative: everyone who may comment gives priority input. */
export function canGiveStance(actor: Actor): boolean {
  return actor.role !== 'reader'
}

/** The roadmap's scoring weights are a workspace setting: owners. */
export function canEditRoadmapWeights(actor: Actor): boolean {
  return actor.role === 'owner'
}

/**
 * Actuals of one metric (grid, CSV rows, API): owners and editors, and any member whose function
 * owns the metric (finance enters revenue as a commenter) — never readers. Targets stay with
 * owners and editors (canEditMetrics).
 */
export function canRecordActuals(actor: Actor, metric: { ownerFunction: MemberFunction | null }): boolean {
  if (actor.role === 'reader') return false
  return canEditMetrics(actor) || (metric.ownerFunction !== null && actor.function === metric.ownerFunction)
}

/**
 * A review's notes: the overall note (metric null) is for owners and editors; a metric line's
 * note also for the members of the metric's owner function. Everyone who reads the review reads them.
 */
export function canWriteReviewNote(actor: Actor, metric: { ownerFunction: MemberFunction | null } | null): boolean {
  if (metric === null) return canEditMetrics(actor)
  return canRecordActuals(actor, metric)
}

/** Sending a narrative to review (and cancelling it): owners and editors, while it is not archived. */
export function canRequestReview(actor: Actor, narrative: { status: NarrativeStatus }): boolean {
  return canManageNarrative(actor) && narrative.status !== 'archived'
}

/** Who may be named as an approver: everyone but readers (finance, a commenter, can be added). */
export function canBeApprover(member: { role: Role }): boolean {
  return member.role !== 'reader'
}

/** Approved versions (the leadership library, the reading view, exports) are for every member. */
export function canReadApprovedVersion(_actor: Actor, narrative: { approvedVersionId: string | null }): boolean {
  return narrative.approvedVersionId !== null
}

/** Version history, named versions and restores follow working material and the right to edit. */
export function canSeeVersions(actor: Actor): boolean {
  return canSeeWorkingMaterial(actor)
}
