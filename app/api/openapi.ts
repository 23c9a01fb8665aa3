/**
 * The OpenAPI 3.1 document of /api/v1, built from the zod schemas the routes parse with (request
 * bodies and query strings) and answer with (app/schemas/responses.ts). One entry per operation in
 * ENDPOINTS: adding an endpoint is one block there. test/openapi.test.ts fails when an
 * app/routes/api.v1.* file or one of its methods has no entry, or when the document is invalid.
 */
import { z } from 'zod'
import { ApiTokenRequestSchema, MemberPatchSchema } from '#app/schemas/accounts.ts'
import { CommentIntentSchema, InitiativeCommentSchema } from '#app/schemas/comments.ts'
import {
  CapabilityInputSchema,
  ImportQuerySchema as InventoryImportQuerySchema,
  IntegrationInputSchema,
  RequirementInputSchema,
  SystemInputSchema,
  SystemSupportBodySchema,
} from '#app/schemas/inventory.ts'
import {
  CommitmentInputSchema,
  ImportQuerySchema as MetricImportQuerySchema,
  MetricInputSchema,
  MetricKeySchema,
  MetricUpdateSchema,
  SeriesQuerySchema,
  ValueBatchSchema,
} from '#app/schemas/metrics.ts'
import { CreateNarrativeSchema, NarrativeListQuerySchema } from '#app/schemas/narratives.ts'
import { MarkNotificationsSchema } from '#app/schemas/notifications.ts'
import { InitiativeInputSchema, InitiativePatchSchema, MoveSchema, StanceInputSchema } from '#app/schemas/roadmap.ts'
import { DecisionSchema, ExportQuerySchema, RequestReviewSchema, VersionQuerySchema } from '#app/schemas/reviews.ts'
import {
  AcknowledgedJsonSchema,
  ApprovedJsonSchema,
  AuditEventJsonSchema,
  CapabilityDetailJsonSchema,
  CapabilityJsonSchema,
  CommentIntentResultJsonSchema,
  CommitmentJsonSchema,
  DecisionJsonSchema,
  FeasibilityJsonSchema,
  InitiativeCommentResultJsonSchema,
  InitiativeJsonSchema,
  InitiativeListJsonSchema,
  InitiativeThreadJsonSchema,
  IntegrationJsonSchema,
  InventoryImportReportJsonSchema,
  listOf,
  MeJsonSchema,
  MemberJsonSchema,
  MetricDetailJsonSchema,
  MetricImportJsonSchema,
  MetricJsonSchema,
  NarrativeDetailJsonSchema,
  NarrativeJsonSchema,
  NarrativeThreadJsonSchema,
  NotificationsJsonSchema,
  RequirementJsonSchema,
  ReviewPanelJsonSchema,
  ReviewRequestedJsonSchema,
  SeriesJsonSchema,
  StanceJsonSchema,
  StoredValuesJsonSchema,
  SystemCapabilitiesJsonSchema,
  SystemDetailJsonSchema,
  SystemJsonSchema,
  SystemListItemJsonSchema,
  TokenJsonSchema,
  ValueCountsJsonSchema,
  VersionDetailJsonSchema,
  VersionJsonSchema,
} from '#app/schemas/responses.ts'
import { SearchQuerySchema, SearchResultSchema } from '#app/schemas/search.ts'
import { NextCursorSchema } from '#app/schemas/api-conventions.ts'
import { applyConventions, CONVENTIONS_DESCRIPTION, PAGED } from './conventions.ts'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface Endpoint {
  /** The route module under app/routes that serves it. */
  route: string
  method: Method
  /** OpenAPI path, with {id} / {key} parameters. */
  path: string
  tag: string
  summary: string
  description?: string
  /** Query parameters (a zod object; each property becomes one parameter). */
  query?: z.ZodObject
  /** A JSON request body, or 'csv' for a text/csv body. */
  body?: z.ZodType | 'csv'
  /** The success answer. */
  ok: {
    status: number
    description: string
    schema?: z.ZodType
    /** Other media types the success answer may take (e.g. `application/pdf`), each with what it holds. */
    media?: Record<string, string>
  }
  /** Failure statuses besides 401 (answered by every authenticated endpoint) and 400/413 for bodies. */
  errors?: number[]
  /** No bearer token needed. */
  public?: boolean
}

// ----- response schemas (what the routes return) -------------------------------------------------

/** The OpenAPI document itself: the one answer without a schema of its own. */
const OpenApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0') }).describe('An OpenAPI 3.1 document')

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.record(z.string(), z.array(z.string())).optional().describe('Messages per field'),
})

// ----- the endpoints --------------------------------------------------------------------------

const DeleteQuery = z.object({ id: z.uuid().describe('The requirement to delete') })
const ConfirmQuery = z.object({ confirm: z.enum(['true', 'false']).optional().describe('Delete even when requirements rely on it') })
const ResolvedQuery = z.object({ resolved: z.enum(['true', 'false']).optional() })
const UnreadQuery = z.object({ unread: z.enum(['true', 'false']).optional() })
const NO_CONTENT = { status: 204, description: 'Done; no body' }

const DECLARED: Endpoint[] = [
  // Me and tokens
  {
    route: 'api.v1.me.ts',
    method: 'get',
    path: '/api/v1/me',
    tag: 'Account',
    summary: 'The token’s user, workspace and role',
    ok: { status: 200, description: 'Who the token acts as', schema: MeJsonSchema },
  },
  {
    route: 'api.v1.tokens.ts',
    method: 'post',
    path: '/api/v1/tokens',
    tag: 'Account',
    summary: 'Exchange e-mail and password for an API token',
    description: 'Throttled per address and account: repeated failures answer 429 with Retry-After.',
    public: true,
    body: ApiTokenRequestSchema,
    ok: { status: 201, description: 'A new token (shown once)', schema: TokenJsonSchema },
    errors: [401, 429],
  },

  // Members
  {
    route: 'api.v1.members._index.ts',
    method: 'get',
    path: '/api/v1/members',
    tag: 'Members',
    summary: 'The workspace’s members, by name',
    description: 'Readers are refused (403): as in search, the team is working material. Members join through invite links in Settings.',
    ok: { status: 200, description: 'Members', schema: listOf(MemberJsonSchema) },
    errors: [403],
  },
  {
    route: 'api.v1.members.$id.ts',
    method: 'get',
    path: '/api/v1/members/{id}',
    tag: 'Members',
    summary: 'A member (the id is the user’s)',
    ok: { status: 200, description: 'The member', schema: MemberJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.members.$id.ts',
    method: 'patch',
    path: '/api/v1/members/{id}',
    tag: 'Members',
    summary: 'Change a member’s role and/or function (owners only)',
    description: 'Both changes are recorded in the audit log. Demoting the last owner answers 409.',
    body: MemberPatchSchema,
    ok: { status: 200, description: 'The member', schema: MemberJsonSchema },
    errors: [403, 404, 409],
  },

  // Search
  {
    route: 'api.v1.search.ts',
    method: 'get',
    path: '/api/v1/search',
    tag: 'Search',
    summary: 'Search narratives (full text), initiatives, systems, capabilities, metrics and members',
    description:
      'Every word must match, as a word or the start of one (English stemming). Ranked best first. Readers find approved narratives and metrics only.',
    query: SearchQuerySchema,
    ok: { status: 200, description: 'Results, best first', schema: listOf(SearchResultSchema) },
  },

  // Narratives
  {
    route: 'api.v1.narratives._index.ts',
    method: 'get',
    path: '/api/v1/narratives',
    tag: 'Narratives',
    summary: 'List narratives',
    description: 'Readers see approved narratives only. `q` matches titles.',
    query: NarrativeListQuerySchema,
    ok: { status: 200, description: 'Newest edit first', schema: listOf(NarrativeJsonSchema) },
  },
  {
    route: 'api.v1.narratives._index.ts',
    method: 'post',
    path: '/api/v1/narratives',
    tag: 'Narratives',
    summary: 'Create a narrative from a template',
    body: CreateNarrativeSchema,
    ok: { status: 201, description: 'The narrative (Location header points at it)', schema: NarrativeDetailJsonSchema },
    errors: [403],
  },
  {
    route: 'api.v1.narratives.$id.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}',
    tag: 'Narratives',
    summary: 'A narrative with its derived text and outline',
    ok: { status: 200, description: 'The narrative', schema: NarrativeDetailJsonSchema },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.requirements.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/requirements',
    tag: 'Feasibility',
    summary: 'The narrative’s requirements with their status and reasons',
    ok: { status: 200, description: 'Requirements', schema: listOf(RequirementJsonSchema) },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.requirements.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/requirements',
    tag: 'Feasibility',
    summary: 'State a requirement (capability, flow or data quality)',
    body: RequirementInputSchema,
    ok: { status: 201, description: 'The requirement, evaluated', schema: RequirementJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.narratives.$id.requirements.ts',
    method: 'delete',
    path: '/api/v1/narratives/{id}/requirements',
    tag: 'Feasibility',
    summary: 'Delete a requirement',
    query: DeleteQuery,
    ok: NO_CONTENT,
    errors: [403, 404],
  },
  {
    route: 'api.v1.narratives.$id.feasibility.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/feasibility',
    tag: 'Feasibility',
    summary: 'Overall feasibility and each requirement’s result with MOps’ assessment',
    ok: {
      status: 200,
      description: 'Feasibility',
      schema: FeasibilityJsonSchema,
    },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.commitments.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/commitments',
    tag: 'Metrics',
    summary: 'The narrative’s metric commitments with progress',
    ok: {
      status: 200,
      description: 'Commitments',
      schema: listOf(CommitmentJsonSchema, { needsLeadingIndicator: z.boolean() }),
    },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.commitments.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/commitments',
    tag: 'Metrics',
    summary: 'Commit the narrative to a metric target',
    body: CommitmentInputSchema,
    ok: { status: 201, description: 'The commitment', schema: CommitmentJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.narratives.$id.comments.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/comments',
    tag: 'Comments',
    summary: 'Comment threads in the margin of a narrative',
    description: '`anchor` holds the Yjs relative positions (base64) of the range; `quote` stays when the text is deleted.',
    query: ResolvedQuery,
    ok: { status: 200, description: 'Threads with their comments', schema: listOf(NarrativeThreadJsonSchema) },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.comments.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/comments',
    tag: 'Comments',
    summary: 'Start a thread, reply, edit, delete, resolve or reopen (one intent)',
    body: CommentIntentSchema,
    ok: { status: 201, description: '201 for start and reply, 200 otherwise', schema: CommentIntentResultJsonSchema },
    errors: [403, 404],
  },

  // Inventory
  {
    route: 'api.v1.systems._index.ts',
    method: 'get',
    path: '/api/v1/systems',
    tag: 'Tech stack',
    summary: 'Live systems, by name',
    ok: { status: 200, description: 'Systems', schema: listOf(SystemListItemJsonSchema) },
    errors: [403],
  },
  {
    route: 'api.v1.systems._index.ts',
    method: 'post',
    path: '/api/v1/systems',
    tag: 'Tech stack',
    summary: 'Add a system',
    body: SystemInputSchema,
    ok: { status: 201, description: 'The system', schema: SystemJsonSchema },
    errors: [403, 409],
  },
  {
    route: 'api.v1.systems.$id.ts',
    method: 'get',
    path: '/api/v1/systems/{id}',
    tag: 'Tech stack',
    summary: 'A system with its capabilities, integrations, data quality and dependent narratives',
    ok: { status: 200, description: 'The system', schema: SystemDetailJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.systems.$id.ts',
    method: 'patch',
    path: '/api/v1/systems/{id}',
    tag: 'Tech stack',
    summary: 'Change some fields of a system (PUT is accepted too)',
    description: 'Fields left out keep their values; the merged system is validated as a whole.',
    body: z.object(SystemInputSchema.shape).partial(),
    ok: { status: 200, description: 'The updated system', schema: SystemJsonSchema },
    errors: [403, 404, 409],
  },
  {
    route: 'api.v1.systems.$id.ts',
    method: 'delete',
    path: '/api/v1/systems/{id}',
    tag: 'Tech stack',
    summary: 'Delete a system',
    description: '409 with what would break when requirements rely on it, unless confirm=true.',
    query: ConfirmQuery,
    ok: NO_CONTENT,
    errors: [403, 404, 409],
  },
  {
    route: 'api.v1.systems.$id.capabilities.ts',
    method: 'put',
    path: '/api/v1/systems/{id}/capabilities',
    tag: 'Tech stack',
    summary: 'Set how the system supports a capability (POST is accepted too)',
    body: SystemSupportBodySchema,
    ok: {
      status: 200,
      description: 'The system’s capabilities',
      schema: SystemCapabilitiesJsonSchema,
    },
    errors: [403, 404],
  },
  {
    route: 'api.v1.capabilities._index.ts',
    method: 'get',
    path: '/api/v1/capabilities',
    tag: 'Tech stack',
    summary: 'The workspace’s capability taxonomy',
    ok: { status: 200, description: 'Capabilities', schema: listOf(CapabilityJsonSchema) },
    errors: [403],
  },
  {
    route: 'api.v1.capabilities._index.ts',
    method: 'post',
    path: '/api/v1/capabilities',
    tag: 'Tech stack',
    summary: 'Add a capability',
    body: CapabilityInputSchema,
    ok: { status: 201, description: 'The capability', schema: CapabilityDetailJsonSchema },
    errors: [403, 409],
  },
  {
    route: 'api.v1.capabilities.$id.ts',
    method: 'get',
    path: '/api/v1/capabilities/{id}',
    tag: 'Tech stack',
    summary: 'A capability and the systems that support it',
    ok: {
      status: 200,
      description: 'The capability',
      schema: CapabilityDetailJsonSchema,
    },
    errors: [403, 404],
  },
  {
    route: 'api.v1.capabilities.$id.ts',
    method: 'patch',
    path: '/api/v1/capabilities/{id}',
    tag: 'Tech stack',
    summary: 'Rename or describe a capability (PUT is accepted too)',
    body: z.object(CapabilityInputSchema.shape).partial(),
    ok: { status: 200, description: 'The capability', schema: CapabilityDetailJsonSchema },
    errors: [403, 404, 409],
  },
  {
    route: 'api.v1.capabilities.$id.ts',
    method: 'delete',
    path: '/api/v1/capabilities/{id}',
    tag: 'Tech stack',
    summary: 'Delete a capability (requirements naming it become unknown)',
    ok: NO_CONTENT,
    errors: [403, 404],
  },
  {
    route: 'api.v1.integrations._index.ts',
    method: 'get',
    path: '/api/v1/integrations',
    tag: 'Tech stack',
    summary: 'Integrations between systems',
    ok: { status: 200, description: 'Integrations', schema: listOf(IntegrationJsonSchema) },
    errors: [403],
  },
  {
    route: 'api.v1.integrations._index.ts',
    method: 'post',
    path: '/api/v1/integrations',
    tag: 'Tech stack',
    summary: 'Add an integration',
    body: IntegrationInputSchema,
    ok: { status: 201, description: 'The integration', schema: IntegrationJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.integrations.$id.ts',
    method: 'get',
    path: '/api/v1/integrations/{id}',
    tag: 'Tech stack',
    summary: 'An integration',
    ok: { status: 200, description: 'The integration', schema: IntegrationJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.integrations.$id.ts',
    method: 'patch',
    path: '/api/v1/integrations/{id}',
    tag: 'Tech stack',
    summary: 'Change some fields of an integration (PUT is accepted too)',
    body: z.object(IntegrationInputSchema.shape).partial(),
    ok: { status: 200, description: 'The integration', schema: IntegrationJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.integrations.$id.ts',
    method: 'delete',
    path: '/api/v1/integrations/{id}',
    tag: 'Tech stack',
    summary: 'Delete an integration',
    ok: NO_CONTENT,
    errors: [403, 404],
  },
  {
    route: 'api.v1.inventory.import.ts',
    method: 'post',
    path: '/api/v1/inventory/import',
    tag: 'Tech stack',
    summary: 'Import systems, support or integrations from CSV (all or nothing)',
    description: '422 problem+json with `report.errors` (line, column, message) when any row is invalid: nothing is written.',
    query: InventoryImportQuerySchema,
    body: 'csv',
    ok: { status: 200, description: 'The row report (written unless dryRun)', schema: InventoryImportReportJsonSchema },
    errors: [403, 422],
  },

  // Metrics
  {
    route: 'api.v1.metrics._index.ts',
    method: 'get',
    path: '/api/v1/metrics',
    tag: 'Metrics',
    summary: 'The metric dictionary (north stars first)',
    ok: { status: 200, description: 'Metrics', schema: listOf(MetricJsonSchema) },
  },
  {
    route: 'api.v1.metrics._index.ts',
    method: 'post',
    path: '/api/v1/metrics',
    tag: 'Metrics',
    summary: 'Define a metric',
    body: MetricInputSchema,
    ok: { status: 201, description: 'The metric', schema: MetricJsonSchema },
    errors: [403, 409],
  },
  {
    route: 'api.v1.metrics.$key.ts',
    method: 'get',
    path: '/api/v1/metrics/{key}',
    tag: 'Metrics',
    summary: 'A metric with its definition versions',
    ok: { status: 200, description: 'The metric', schema: MetricDetailJsonSchema },
    errors: [404],
  },
  {
    route: 'api.v1.metrics.$key.ts',
    method: 'patch',
    path: '/api/v1/metrics/{key}',
    tag: 'Metrics',
    summary: 'Change a metric (a definition change starts a new version)',
    body: MetricUpdateSchema,
    ok: { status: 200, description: 'The metric', schema: MetricJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.metrics.$key.targets.ts',
    method: 'get',
    path: '/api/v1/metrics/{key}/targets',
    tag: 'Metrics',
    summary: 'Stored targets',
    ok: {
      status: 200,
      description: 'Targets per period',
      schema: StoredValuesJsonSchema,
    },
    errors: [404],
  },
  {
    route: 'api.v1.metrics.$key.targets.ts',
    method: 'put',
    path: '/api/v1/metrics/{key}/targets',
    tag: 'Metrics',
    summary: 'Set targets per period (idempotent; all or nothing)',
    body: ValueBatchSchema,
    ok: {
      status: 200,
      description: 'Counts',
      schema: ValueCountsJsonSchema,
    },
    errors: [403, 404],
  },
  {
    route: 'api.v1.metrics.$key.actuals.ts',
    method: 'get',
    path: '/api/v1/metrics/{key}/actuals',
    tag: 'Metrics',
    summary: 'Stored actuals',
    ok: {
      status: 200,
      description: 'Actuals per period',
      schema: StoredValuesJsonSchema,
    },
    errors: [404],
  },
  {
    route: 'api.v1.metrics.$key.actuals.ts',
    method: 'put',
    path: '/api/v1/metrics/{key}/actuals',
    tag: 'Metrics',
    summary: 'Set actuals per period (idempotent; all or nothing)',
    body: ValueBatchSchema,
    ok: {
      status: 200,
      description: 'Counts',
      schema: ValueCountsJsonSchema,
    },
    errors: [403, 404],
  },
  {
    route: 'api.v1.metrics.$key.series.ts',
    method: 'get',
    path: '/api/v1/metrics/{key}/series',
    tag: 'Metrics',
    summary: 'Actual against target per period, with attainment and health',
    query: SeriesQuerySchema,
    ok: {
      status: 200,
      description: 'The series',
      schema: SeriesJsonSchema,
    },
    errors: [404],
  },
  {
    route: 'api.v1.metrics.import.ts',
    method: 'post',
    path: '/api/v1/metrics/import',
    tag: 'Metrics',
    summary: 'Import targets and actuals from CSV (all or nothing)',
    description: 'Columns: metric, period or date, value; optionally kind. A bad row is a 400 whose `rows` give line, column and reason.',
    query: MetricImportQuerySchema,
    body: 'csv',
    ok: { status: 201, description: '201 when written, 200 for a dry run', schema: MetricImportJsonSchema },
    errors: [403, 415],
  },

  // Roadmap
  {
    route: 'api.v1.initiatives._index.ts',
    method: 'get',
    path: '/api/v1/initiatives',
    tag: 'Roadmap',
    summary: 'Initiatives with score and breakdown, highest score first',
    ok: {
      status: 200,
      description: 'Initiatives and the scoring weights',
      schema: InitiativeListJsonSchema,
    },
    errors: [403],
  },
  {
    route: 'api.v1.initiatives._index.ts',
    method: 'post',
    path: '/api/v1/initiatives',
    tag: 'Roadmap',
    summary: 'Propose an initiative',
    body: InitiativeInputSchema,
    ok: { status: 201, description: 'The initiative', schema: InitiativeJsonSchema },
    errors: [403],
  },
  {
    route: 'api.v1.initiatives.$id.ts',
    method: 'get',
    path: '/api/v1/initiatives/{id}',
    tag: 'Roadmap',
    summary: 'An initiative with score, breakdown and input per function',
    ok: { status: 200, description: 'The initiative', schema: InitiativeJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.ts',
    method: 'patch',
    path: '/api/v1/initiatives/{id}',
    tag: 'Roadmap',
    summary: 'Change an initiative, or move it on the board (PUT is accepted too)',
    body: z.union([InitiativePatchSchema, MoveSchema]),
    ok: { status: 200, description: 'The initiative', schema: InitiativeJsonSchema },
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.ts',
    method: 'delete',
    path: '/api/v1/initiatives/{id}',
    tag: 'Roadmap',
    summary: 'Delete an initiative',
    ok: NO_CONTENT,
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.stances.ts',
    method: 'get',
    path: '/api/v1/initiatives/{id}/stances',
    tag: 'Roadmap',
    summary: 'Stances of each function on an initiative',
    ok: { status: 200, description: 'Stances', schema: listOf(StanceJsonSchema) },
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.stances.ts',
    method: 'post',
    path: '/api/v1/initiatives/{id}/stances',
    tag: 'Roadmap',
    summary: 'Give or replace your stance (PUT is accepted too)',
    body: StanceInputSchema,
    ok: { status: 201, description: '201 when new, 200 when it replaced yours', schema: listOf(StanceJsonSchema) },
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.stances.ts',
    method: 'delete',
    path: '/api/v1/initiatives/{id}/stances',
    tag: 'Roadmap',
    summary: 'Withdraw your stance',
    ok: NO_CONTENT,
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.comments.ts',
    method: 'get',
    path: '/api/v1/initiatives/{id}/comments',
    tag: 'Comments',
    summary: 'The discussion of an initiative',
    ok: { status: 200, description: 'Threads with their comments', schema: listOf(InitiativeThreadJsonSchema) },
    errors: [403, 404],
  },
  {
    route: 'api.v1.initiatives.$id.comments.ts',
    method: 'post',
    path: '/api/v1/initiatives/{id}/comments',
    tag: 'Comments',
    summary: 'Comment on an initiative (plain text; `@Name` mentions a member)',
    body: InitiativeCommentSchema,
    ok: { status: 201, description: 'Where the comment went', schema: InitiativeCommentResultJsonSchema },
    errors: [403, 404],
  },

  // Review, approval and versions
  {
    route: 'api.v1.narratives.$id.reviews.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/reviews',
    tag: 'Review',
    summary: 'The current (or last) review, its approvers and the approval checklist',
    ok: { status: 200, description: 'The review panel', schema: ReviewPanelJsonSchema },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.reviews.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/reviews',
    tag: 'Review',
    summary: 'Send the narrative to review: freezes a version and asks the named members to approve it',
    description: 'Readers are refused. One open review per narrative: a second request answers 409.',
    body: RequestReviewSchema,
    ok: {
      status: 201,
      description: 'The review and the frozen version',
      schema: ReviewRequestedJsonSchema,
    },
    errors: [403, 404, 409],
  },
  {
    route: 'api.v1.narratives.$id.reviews.current.decision.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/reviews/current/decision',
    tag: 'Review',
    summary: 'Approve, or request changes to, the version under review (approvers only)',
    description:
      'Send the `versionId` you read: when a newer version is under review the answer is 409 with `currentVersionId`. The last approval publishes the version.',
    body: DecisionSchema,
    ok: {
      status: 200,
      description: 'The outcome of the review after this decision',
      schema: DecisionJsonSchema,
    },
    errors: [403, 404, 409],
  },
  {
    route: 'api.v1.narratives.$id.acknowledge.ts',
    method: 'post',
    path: '/api/v1/narratives/{id}/acknowledge',
    tag: 'Review',
    summary: '“I have read the approved version” (readers too)',
    ok: { status: 200, description: 'The version acknowledged', schema: AcknowledgedJsonSchema },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.audit.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/audit',
    tag: 'Review',
    summary: 'The narrative’s audit trail: review requests, decisions, publications, exports (newest first)',
    ok: {
      status: 200,
      description: 'Events',
      schema: listOf(AuditEventJsonSchema),
    },
    errors: [404],
  },
  {
    route: 'api.v1.approved.ts',
    method: 'get',
    path: '/api/v1/approved',
    tag: 'Review',
    summary: 'The Approved library: approved narratives, newest approval first',
    ok: {
      status: 200,
      description: 'Approved narratives',
      schema: listOf(ApprovedJsonSchema),
    },
  },
  {
    route: 'api.v1.narratives.$id.versions._index.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/versions',
    tag: 'Versions',
    summary: 'The narrative’s saved versions, newest first',
    description: 'Readers are refused (403): they read approved versions in the library.',
    ok: { status: 200, description: 'Versions (metadata only)', schema: listOf(VersionJsonSchema) },
    errors: [403, 404],
  },
  {
    route: 'api.v1.narratives.$id.versions.$vid.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/versions/{vid}',
    tag: 'Versions',
    summary: 'One version: metadata with its HTML and text, or the HTML / Markdown document itself',
    description:
      'Readers see approved versions only. `format=markdown` of an approved version is recorded as an export in the audit trail.',
    query: VersionQuerySchema,
    ok: {
      status: 200,
      description: 'The version',
      schema: VersionDetailJsonSchema,
      media: {
        'text/html': 'format=html: the version as an HTML fragment',
        'text/markdown': 'format=markdown: the version as Markdown (sent as an attachment-style inline file)',
      },
    },
    errors: [404],
  },
  {
    route: 'api.v1.narratives.$id.export[.]pdf.ts',
    method: 'get',
    path: '/api/v1/narratives/{id}/export.pdf',
    tag: 'Versions',
    summary: 'The approved version (or `v`) printed to PDF, as the reading view shows it',
    description: 'Recorded as an export in the audit trail.',
    query: ExportQuerySchema,
    ok: { status: 200, description: 'The PDF', media: { 'application/pdf': 'The reading view as PDF' } },
    errors: [404],
  },

  // Inbox
  {
    route: 'api.v1.notifications.ts',
    method: 'get',
    path: '/api/v1/notifications',
    tag: 'Inbox',
    summary: 'Your notifications (mentions, replies, feasibility changes)',
    query: UnreadQuery,
    ok: {
      status: 200,
      description: 'Notifications and the unread count',
      schema: NotificationsJsonSchema,
    },
    errors: [403],
  },
  {
    route: 'api.v1.notifications.ts',
    method: 'post',
    path: '/api/v1/notifications',
    tag: 'Inbox',
    summary: 'Mark notifications (or all) read',
    body: MarkNotificationsSchema,
    ok: { status: 200, description: 'How many were marked', schema: z.strictObject({ marked: z.number().int() }) },
    errors: [403],
  },

  // The document itself
  {
    route: 'api.v1.openapi[.]json.ts',
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Account',
    summary: 'This document',
    public: true,
    ok: { status: 200, description: 'OpenAPI 3.1', schema: OpenApiDocumentSchema },
  },
]

/**
 * Every operation, with `nextCursor` added to the answer of each paged list (conventions.ts), so
 * the strict schema a test parses answers with and the document both name it.
 */
export const ENDPOINTS: Endpoint[] = DECLARED.map((e) => {
  const schema = e.ok.schema
  if (!PAGED.has(`${e.method} ${e.path}`) || !(schema instanceof z.ZodObject)) return e
  return { ...e, ok: { ...e.ok, schema: schema.extend({ nextCursor: NextCursorSchema }) } }
})

// ----- building the document --------------------------------------------------------------------

type JsonSchema = Record<string, unknown>

/** JSON Schema (2020-12, what OpenAPI 3.1 uses) of what a client sends: the input side of transforms. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline' }) as JsonSchema
  delete out.$schema
  return out
}

const PATH_PARAMS: Record<string, { schema: JsonSchema; description: string }> = {
  id: { schema: { type: 'string', format: 'uuid' }, description: 'The object’s id' },
  key: { schema: schemaOf(MetricKeySchema, 'input'), description: 'The metric’s key (e.g. `pipeline`)' },
  vid: { schema: { type: 'string', format: 'uuid' }, description: 'The version’s id' },
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors` per field)',
  401: 'Missing or invalid bearer token',
  403: 'The token’s member may not do this',
  404: 'Not found (or not visible to the token’s member)',
  409: 'Conflict',
  413: 'The body is too large',
  415: 'Unsupported content type',
  422: 'Rows refused; nothing written',
  429: 'Too many requests (see Retry-After)',
}

export function buildOpenApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const e of ENDPOINTS) {
    const parameters: unknown[] = []
    for (const [, name] of e.path.matchAll(/\{(\w+)\}/g)) {
      const p = PATH_PARAMS[name!]!
      parameters.push({ name, in: 'path', required: true, description: p.description, schema: p.schema })
    }
    if (e.query) {
      const shape = schemaOf(e.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }
      for (const [name, schema] of Object.entries(shape.properties ?? {}))
        parameters.push({ name, in: 'query', required: (shape.required ?? []).includes(name), schema })
    }
    const statuses = new Set([...(e.public ? [] : [401]), ...(e.body ? [400, 413] : e.query ? [400] : []), ...(e.errors ?? [])])
    const responses: Record<string, unknown> = {
      [String(e.ok.status)]: {
        description: e.ok.description,
        ...(e.ok.schema || e.ok.media
          ? {
              content: {
                ...(e.ok.schema ? { 'application/json': { schema: schemaOf(e.ok.schema, 'output') } } : {}),
                ...Object.fromEntries(
                  Object.entries(e.ok.media ?? {}).map(([type, description]) => [
                    type,
                    { schema: { type: 'string', ...(type === 'application/pdf' ? { format: 'binary' } : {}), description } },
                  ]),
                ),
              },
            }
          : {}),
      },
    }
    for (const s of [...statuses].sort())
      responses[String(s)] = {
        description: STATUS_TEXT[s] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }
    const operation: Record<string, unknown> = {
      operationId: operationId(e),
      tags: [e.tag],
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content:
                e.body === 'csv'
                  ? { 'text/csv': { schema: { type: 'string' } } }
                  : { 'application/json': { schema: schemaOf(e.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...(e.public ? { security: [] } : {}),
    }
    applyConventions(e.method, e.path, operation as unknown as Parameters<typeof applyConventions>[2], {
      public: e.public,
      okStatus: e.ok.status,
    })
    ;(paths[e.path] ??= {})[e.method] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Accord API',
      version: '1',
      description:
        'The REST API of Accord. Authenticate with `Authorization: Bearer <token>` (create tokens in Settings → API tokens, or POST /api/v1/tokens). Errors are RFC 9457 problem+json: `{ type, title, status, detail, errors: { field: [message] } }`. Lists answer `{ data: [...] }`.' +
        CONVENTIONS_DESCRIPTION,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: schemaOf(ProblemSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token' } },
    },
    security: [{ bearer: [] }],
  }
}

function operationId(e: Endpoint) {
  const words = e.path
    .replace('/api/v1/', '')
    .split('/')
    .map((w) => w.replace(/[{}.]/g, '').replace(/^id$/, 'ById').replace(/^key$/, 'ByKey'))
  return e.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
}
