/**
 * What /api/v1 answers: one schema per success body. The services' JSON builders return
 * z.infer of these, and app/api/openapi.ts documents them, so the server and the document cannot
 * drift. Objects are strict: test/api-responses.test.ts parses real answers with them, and a field
 * added to (or dropped from) a builder without its schema fails there and in the type check.
 */
import { z } from 'zod'
import type { GateCheckKey } from '#app/domain/approval.ts'
import { FEASIBILITY_STATUSES } from '#app/domain/feasibility.ts'
import {
  ASSESSMENT_DECISIONS,
  DATA_OBJECTS,
  DIRECTIONS as INTEGRATION_DIRECTIONS,
  EFFORTS,
  FREQUENCIES,
  INTEGRATION_STATUSES,
  LIFECYCLES,
  MEASURES,
  REQUIREMENT_KINDS,
  SUPPORT_LEVELS,
  SYSTEM_CATEGORIES,
} from '#app/domain/inventory.ts'
import { AGGREGATIONS, DIRECTIONS as METRIC_DIRECTIONS, HEALTHS, INDICATOR_KINDS, UNITS } from '#app/domain/metrics.ts'
import { GRANULARITIES } from '#app/domain/periods.ts'
import { FUNCTIONS, ROLES } from '#app/domain/policies.ts'
import { EFFORT_SIZES, INITIATIVE_STATUSES, STANCES } from '#app/domain/prioritisation.ts'
import { TEMPLATES } from '#app/domain/templates.ts'
import { IMPORT_KINDS } from './inventory.ts'
import { NARRATIVE_STATUSES } from './narratives.ts'

const Iso = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time')
const Day = z.iso.date().describe('A date, YYYY-MM-DD')
const Id = z.uuid()
const Ref = z.strictObject({ id: Id, name: z.string() })
/** A person picked up by a left join: the name is null if the account is gone. */
const PersonRef = z.strictObject({ id: Id, name: z.string().nullable() })
const Int = z.number().int()
const FeasibilityStatus = z.enum(FEASIBILITY_STATUSES)
const Role = z.enum(ROLES)
const MemberFunction = z.enum(FUNCTIONS)

/** `{ data: [...] }`, plus any fields beside the list. */
export const listOf = <T extends z.ZodType, E extends z.ZodRawShape = Record<never, never>>(item: T, extra?: E) =>
  z.strictObject({ data: z.array(item), ...(extra ?? ({} as E)) })

// ----- account ---------------------------------------------------------------------------------

export const MeJsonSchema = z.strictObject({
  user: z.strictObject({ id: Id, name: z.string(), email: z.string() }),
  workspace: Ref,
  role: Role,
})
export type MeJson = z.infer<typeof MeJsonSchema>

export const TokenJsonSchema = z.strictObject({ token: z.string().describe('Send as `Authorization: Bearer …`'), workspace: Ref })
export type TokenJson = z.infer<typeof TokenJsonSchema>

export const MemberJsonSchema = z.strictObject({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: Role,
  function: MemberFunction,
  joined: Iso.describe('When they joined the workspace (ISO 8601)'),
})
export type MemberJson = z.infer<typeof MemberJsonSchema>

// ----- narratives ------------------------------------------------------------------------------

export const NarrativeJsonSchema = z.strictObject({
  id: Id,
  title: z.string(),
  status: z.enum(NARRATIVE_STATUSES),
  template: z.enum(TEMPLATES),
  owner: Ref,
  excerpt: z.string(),
  createdAt: Iso,
  updatedAt: Iso,
})
export type NarrativeJson = z.infer<typeof NarrativeJsonSchema>

/** One narrative: the list's fields plus its derived text and outline. */
export const NarrativeDetailJsonSchema = NarrativeJsonSchema.extend({
  text: z.string().describe('The derived plain text'),
  outline: z.array(z.strictObject({ level: Int, text: z.string() })),
  wordCount: Int,
})
export type NarrativeDetailJson = z.infer<typeof NarrativeDetailJsonSchema>

export const VersionJsonSchema = z.strictObject({
  id: Id,
  number: Int,
  kind: z.enum(['checkpoint', 'named', 'review', 'approved', 'restore']),
  name: z.string().nullable(),
  wordCount: Int,
  createdBy: PersonRef.nullable(),
  createdAt: Iso,
})
export type VersionJson = z.infer<typeof VersionJsonSchema>

export const VersionDetailJsonSchema = VersionJsonSchema.extend({
  html: z.string(),
  text: z.string(),
  evidence: z.unknown().describe('What the narrative cited when the version was frozen (null when none)'),
})
export type VersionDetailJson = z.infer<typeof VersionDetailJsonSchema>

// ----- feasibility -----------------------------------------------------------------------------

const ReasonJsonSchema = z.strictObject({
  code: z.string().describe('e.g. `supported`, `capability_missing`, `no_path`, `dq_not_met`'),
  status: FeasibilityStatus,
  message: z.string(),
})

export const RequirementJsonSchema = z.strictObject({
  id: Id,
  kind: z.enum(REQUIREMENT_KINDS),
  summary: z.string(),
  capability: z.string().nullable(),
  system: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  objects: z.array(z.string()),
  object: z.string().nullable(),
  measure: z.string().nullable(),
  field: z.string().nullable(),
  op: z.string().nullable(),
  threshold: z.number().nullable(),
  neededBy: Day.nullable(),
  note: z.string(),
  status: FeasibilityStatus,
  reasons: z.array(ReasonJsonSchema),
})
export type RequirementJson = z.infer<typeof RequirementJsonSchema>

export const FeasibilityJsonSchema = z.strictObject({
  narrativeId: Id,
  overall: FeasibilityStatus,
  requirements: z.array(
    z.strictObject({
      id: Id,
      kind: z.enum(REQUIREMENT_KINDS),
      summary: z.string(),
      neededBy: Day.nullable(),
      status: FeasibilityStatus,
      reasons: z.array(ReasonJsonSchema),
      assessment: z
        .strictObject({
          decision: z.enum(ASSESSMENT_DECISIONS),
          effort: z.enum(EFFORTS).nullable(),
          note: z.string(),
          assessedBy: z.strictObject({ id: Id.nullable(), name: z.string().nullable() }),
          assessedAt: Iso,
          stale: z.boolean().describe('The inventory changed since: the result is not the one assessed'),
        })
        .nullable(),
    }),
  ),
})
export type FeasibilityJson = z.infer<typeof FeasibilityJsonSchema>

// ----- tech stack ------------------------------------------------------------------------------

export const SystemJsonSchema = z.strictObject({
  id: Id,
  name: z.string(),
  vendor: z.string(),
  category: z.enum(SYSTEM_CATEGORIES),
  owner: PersonRef.nullable(),
  lifecycle: z.enum(LIFECYCLES),
  endDate: Day.nullable(),
  renewalDate: Day.nullable(),
  annualCost: z.number().nullable(),
  seatsPaid: Int.nullable(),
  seatsUsed: Int.nullable(),
  utilisation: z.number().nullable().describe('seatsUsed ÷ seatsPaid, when both are known'),
  notes: z.string(),
  updatedAt: Iso,
})
export type SystemJson = z.infer<typeof SystemJsonSchema>

export const SystemListItemJsonSchema = SystemJsonSchema.extend({
  capabilities: Int.describe('How many capabilities it supports'),
  integrations: Int.describe('How many integrations it is part of'),
  dependentNarratives: Int.describe('How many live narratives rely on it'),
})
export type SystemListItemJson = z.infer<typeof SystemListItemJsonSchema>

const SystemCapabilityJsonSchema = z.strictObject({ id: Id, name: z.string(), level: z.enum(SUPPORT_LEVELS), note: z.string() })
export const SystemCapabilitiesJsonSchema = listOf(SystemCapabilityJsonSchema)
export type SystemCapabilitiesJson = z.infer<typeof SystemCapabilitiesJsonSchema>

export const IntegrationJsonSchema = z.strictObject({
  id: Id,
  from: Ref,
  to: Ref,
  name: z.string(),
  direction: z.enum(INTEGRATION_DIRECTIONS),
  objects: z.array(z.enum(DATA_OBJECTS)),
  frequency: z.enum(FREQUENCIES),
  status: z.enum(INTEGRATION_STATUSES),
  liveFrom: Day.nullable(),
  notes: z.string(),
  updatedAt: Iso,
})
export type IntegrationJson = z.infer<typeof IntegrationJsonSchema>

export const SystemDetailJsonSchema = SystemJsonSchema.extend({
  capabilities: z.array(SystemCapabilityJsonSchema),
  integrations: z.array(IntegrationJsonSchema),
  dataQuality: z.array(
    z.strictObject({
      id: Id,
      object: z.enum(DATA_OBJECTS),
      measure: z.enum(MEASURES),
      field: z.string().nullable(),
      value: z.number(),
      asOf: Day,
    }),
  ),
  dependents: z.array(z.strictObject({ narrativeId: Id, title: z.string(), status: z.enum(NARRATIVE_STATUSES), requirements: Int })),
})
export type SystemDetailJson = z.infer<typeof SystemDetailJsonSchema>

export const CapabilityJsonSchema = z.strictObject({ id: Id, name: z.string(), description: z.string() })
export const CapabilityDetailJsonSchema = CapabilityJsonSchema.extend({
  support: z.array(z.strictObject({ systemId: Id, level: z.enum(SUPPORT_LEVELS), note: z.string() })),
})
export type CapabilityDetailJson = z.infer<typeof CapabilityDetailJsonSchema>

export const InventoryImportReportJsonSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.boolean(),
  committed: z.boolean(),
  rows: Int,
  created: Int,
  updated: Int,
  errors: z.array(z.strictObject({ line: Int, column: z.string().nullable(), message: z.string() })).describe('Empty on success'),
  preview: z.array(z.strictObject({ line: Int, action: z.enum(['create', 'update']), values: z.record(z.string(), z.string()) })),
  columns: z.array(z.string()),
})

// ----- metrics ---------------------------------------------------------------------------------

export const MetricJsonSchema = z.strictObject({
  key: z.string(),
  name: z.string(),
  definition: z.string(),
  unit: z.enum(UNITS),
  currency: z.string().nullable(),
  direction: z.enum(METRIC_DIRECTIONS),
  indicator: z.enum(INDICATOR_KINDS),
  aggregation: z.enum(AGGREGATIONS),
  ownerFunction: MemberFunction.nullable(),
  sourceSystem: z.string().nullable(),
  goal: z.string().nullable().describe('The key of the metric this one feeds'),
  northStar: z.boolean(),
  funnelStep: Int.nullable(),
  version: Int,
  createdAt: Iso,
  updatedAt: Iso,
})
export type MetricJson = z.infer<typeof MetricJsonSchema>

export const MetricDetailJsonSchema = MetricJsonSchema.extend({
  versions: z.array(
    z.strictObject({
      version: Int,
      name: z.string(),
      definition: z.string(),
      unit: z.enum(UNITS),
      currency: z.string().nullable(),
      direction: z.enum(METRIC_DIRECTIONS),
      indicator: z.enum(INDICATOR_KINDS),
      aggregation: z.enum(AGGREGATIONS),
      changedByName: z.string().nullable(),
      changedAt: Iso,
    }),
  ),
})
export type MetricDetailJson = z.infer<typeof MetricDetailJsonSchema>

export const StoredValuesJsonSchema = listOf(
  z.strictObject({ period: z.string().describe('e.g. `2026-03`, `2026-Q2`'), granularity: z.enum(GRANULARITIES), value: z.number() }),
)
export const ValueCountsJsonSchema = z.strictObject({ inserted: Int, updated: Int, unchanged: Int })

export const SeriesPointJsonSchema = z.strictObject({
  period: z.string(),
  label: z.string(),
  actual: z.number().nullable(),
  target: z.number().nullable(),
  attainment: z.number().nullable(),
  health: z.enum(HEALTHS),
  complete: z.boolean().describe('False while only some of the shorter periods it rolls up have values'),
})
export type SeriesPointJson = z.infer<typeof SeriesPointJsonSchema>
export const SeriesJsonSchema = listOf(SeriesPointJsonSchema, { metric: MetricJsonSchema, granularity: z.enum(GRANULARITIES) })

const RowErrorJsonSchema = z.strictObject({
  row: Int,
  line: Int.optional(),
  kind: z.enum(['actual', 'target']).optional(),
  column: z.string(),
  value: z.string().optional(),
  reason: z.string(),
})

export const MetricImportJsonSchema = z.strictObject({
  dryRun: z.boolean(),
  rows: z.array(
    z.strictObject({
      line: Int,
      metricKey: z.string(),
      metricName: z.string(),
      kind: z.enum(['actual', 'target']),
      period: z.string(),
      periodLabel: z.string(),
      value: z.number(),
      display: z.string(),
      previous: z.number().nullable(),
      previousDisplay: z.string().nullable(),
      change: z.enum(['new', 'changed', 'unchanged']),
    }),
  ),
  errors: z.array(RowErrorJsonSchema).describe('Empty on success (a bad row is a 400)'),
  summary: z.strictObject({ rows: Int, new: Int, changed: Int, unchanged: Int, errors: Int, metrics: Int }),
})

export const CommitmentJsonSchema = z.strictObject({
  id: Id,
  metric: z.strictObject({
    key: z.string(),
    name: z.string(),
    unit: z.enum(UNITS),
    currency: z.string().nullable(),
    indicator: z.enum(INDICATOR_KINDS),
    version: Int.describe('The metric definition version committed to'),
  }),
  baseline: z.number(),
  target: z.number(),
  granularity: z.enum(GRANULARITIES),
  startsOn: Day,
  dueOn: Day,
  note: z.string(),
  source: z.enum(['manual', 'text']).describe('`text`: derived from a metric chip in the narrative'),
  inText: z.boolean(),
  edited: z.boolean(),
  current: z.number().nullable(),
  currentPeriod: z.string().nullable(),
  pace: z.number().nullable(),
  progress: z.number().nullable(),
  passed: z.boolean(),
  health: z.enum(HEALTHS),
})
export type CommitmentJson = z.infer<typeof CommitmentJsonSchema>

// ----- roadmap ---------------------------------------------------------------------------------

export const InitiativeJsonSchema = z.strictObject({
  id: Id,
  title: z.string(),
  description: z.string(),
  owner: Ref.nullable(),
  narrative: z.strictObject({ id: Id, title: z.string() }).nullable(),
  timeframe: z.string().describe('`2027-Q1`, or `now` / `next` / `later`'),
  status: z.enum(INITIATIVE_STATUSES),
  effort: z.enum(EFFORT_SIZES),
  effortWeeks: z.number().nullable(),
  expectedImpacts: z.array(
    z.strictObject({
      metric: z.string(),
      metricName: z.string().nullable(),
      inDictionary: z.boolean(),
      expectedChange: z.number(),
      confidence: z.number(),
    }),
  ),
  feasibility: z.strictObject({ status: FeasibilityStatus, source: z.enum(['narrative', 'none']), requirements: Int }),
  score: z.number(),
  rank: Int,
  breakdown: z.strictObject({
    terms: z.array(
      z.strictObject({
        metricKey: z.string(),
        label: z.string(),
        expectedChange: z.number(),
        sign: z.union([z.literal(1), z.literal(-1)]),
        weight: z.number(),
        confidence: z.number(),
        value: z.number(),
      }),
    ),
    impact: z.number(),
    effort: z.strictObject({ size: z.enum(EFFORT_SIZES), weeks: z.number().nullable(), points: z.number() }),
    feasibility: z.strictObject({ status: FeasibilityStatus, flagged: z.boolean(), factor: z.number() }),
    score: z.number(),
    formula: z.string(),
  }),
  input: z.array(z.strictObject({ function: MemberFunction, support: Int, concern: Int, block: Int })),
  updatedAt: Iso,
})
export type InitiativeJson = z.infer<typeof InitiativeJsonSchema>

export const InitiativeListJsonSchema = listOf(InitiativeJsonSchema, {
  weights: z.strictObject({
    metrics: z.record(z.string(), z.number()),
    defaultWeight: z.number(),
    penaliseFailing: z.boolean(),
    failFactor: z.number(),
  }),
})

export const StanceJsonSchema = z.strictObject({
  userId: Id,
  name: z.string(),
  function: MemberFunction,
  stance: z.enum(STANCES),
  reason: z.string(),
  updatedAt: Iso,
})
export type StanceJson = z.infer<typeof StanceJsonSchema>

// ----- comments --------------------------------------------------------------------------------

const CommentJsonSchema = z.strictObject({
  id: Id,
  author: z.string(),
  authorId: Id,
  body: z.string(),
  createdAt: Iso,
  editedAt: Iso.nullable(),
})

const threadFields = {
  id: Id,
  resolved: z.boolean(),
  resolvedAt: Iso.nullable(),
  resolvedBy: z.string().nullable(),
  createdAt: Iso,
  comments: z.array(CommentJsonSchema),
}

export const NarrativeThreadJsonSchema = z.strictObject({
  ...threadFields,
  quote: z.string().describe('The commented text as it was (kept when the text is deleted)'),
  anchor: z
    .strictObject({ start: z.string().nullable(), end: z.string().nullable() })
    .describe('Yjs relative positions (base64) of the range'),
})
export type NarrativeThreadJson = z.infer<typeof NarrativeThreadJsonSchema>

export const InitiativeThreadJsonSchema = z.strictObject({ ...threadFields, quote: z.string().nullable() })
export type InitiativeThreadJson = z.infer<typeof InitiativeThreadJsonSchema>

export const CommentIntentResultJsonSchema = z
  .strictObject({ threadId: Id.optional(), commentId: Id.optional() })
  .describe('start: threadId; reply / edit: commentId; resolve / reopen / blocking: threadId; delete: {}')
export const InitiativeCommentResultJsonSchema = z.strictObject({ threadId: Id, commentId: Id.optional() })

// ----- inbox -----------------------------------------------------------------------------------

export const NotificationJsonSchema = z.strictObject({
  id: Id,
  kind: z.enum(['mention', 'reply', 'stance', 'feasibility', 'review']),
  actorName: z.string().nullable(),
  excerpt: z.string(),
  createdAt: Iso,
  read: z.boolean(),
  target: z.strictObject({ kind: z.enum(['narrative', 'initiative']), id: Id, title: z.string(), href: z.string() }).nullable(),
})
export const NotificationsJsonSchema = listOf(NotificationJsonSchema, { unread: Int })

// ----- review ----------------------------------------------------------------------------------

export const ReviewPanelJsonSchema = z.strictObject({
  narrativeId: Id,
  status: z.enum(NARRATIVE_STATUSES),
  review: z
    .strictObject({
      id: Id,
      status: z.enum(['open', 'approved', 'cancelled']),
      outcome: z.enum(['approved', 'changes_requested', 'pending']),
      dueDate: Day.nullable(),
      requestedBy: Ref,
      versionId: Id,
      version: Int.nullable(),
      stale: z.boolean().describe('Edits were committed after the version under review'),
      approvers: z.array(
        z.strictObject({
          id: Id,
          name: z.string(),
          decision: z.enum(['approve', 'changes']).nullable(),
          note: z.string(),
          decidedAt: Iso.nullable(),
          versionId: Id.nullable(),
        }),
      ),
    })
    .nullable(),
  gate: z.strictObject({
    passed: z.boolean(),
    checks: z.array(
      z.strictObject({
        key: z.enum(['feasibility', 'assessments', 'commitments', 'blocking'] satisfies GateCheckKey[]),
        label: z.string(),
        ok: z.boolean(),
        detail: z.string(),
      }),
    ),
    reasons: z.array(z.string()),
  }),
})
export type ReviewPanelJson = z.infer<typeof ReviewPanelJsonSchema>

export const ReviewRequestedJsonSchema = z.strictObject({ reviewId: Id, versionId: Id, versionNumber: Int })
export const DecisionJsonSchema = z.strictObject({
  outcome: z.enum(['approved', 'changes_requested', 'pending']),
  versionId: Id,
  approvedVersionId: Id.nullable(),
})
export const AcknowledgedJsonSchema = z.strictObject({ versionId: Id })

export const AuditEventJsonSchema = z.strictObject({
  kind: z.string().describe('`review_requested`, `decision`, `published`, `exported`, …'),
  actor: PersonRef.nullable(),
  versionId: Id.nullable(),
  version: Int.nullable(),
  detail: z.unknown(),
  at: Iso,
})
export type AuditEventJson = z.infer<typeof AuditEventJsonSchema>

export const ApprovedJsonSchema = z.strictObject({
  id: Id,
  title: z.string(),
  status: z.enum(NARRATIVE_STATUSES),
  owner: z.string().describe('The owner’s name'),
  approvedVersionId: Id,
  version: Int,
  approvedAt: Iso,
  approvers: z.array(z.string()).describe('Names of who approved it'),
  excerpt: z.string(),
})
export type ApprovedJson = z.infer<typeof ApprovedJsonSchema>
