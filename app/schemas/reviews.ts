import { z } from 'zod'

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-03-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'Not a calendar date')

/** POST /api/v1/narratives/ID/reviews, and the "Send to review" form. */
export const RequestReviewSchema = z.object({
  approverIds: z
    .array(z.uuid('Approvers are member ids'), { error: 'Name at least one approver' })
    .min(1, 'Name at least one approver')
    .max(10, 'At most 10 approvers')
    .refine((ids) => new Set(ids).size === ids.length, 'An approver is named twice'),
  dueDate: isoDate.nullable().optional(),
})
export type RequestReviewInput = z.infer<typeof RequestReviewSchema>

/** POST /api/v1/narratives/ID/reviews/current/decision. */
export const DecisionSchema = z.object({
  decision: z.enum(['approve', 'changes'], { error: 'Decision must be "approve" or "changes"' }),
  note: z.string().trim().max(2000, 'The note must be at most 2000 characters').default(''),
  /** The version the approver read; a newer one under review makes the decision a 409. */
  versionId: z.uuid('Not a version id').optional(),
})
export type DecisionInput = z.infer<typeof DecisionSchema>

export const VersionNameSchema = z.string().trim().min(1, 'Name the version').max(200, 'At most 200 characters')

export const VersionFormatSchema = z.enum(['html', 'markdown', 'json'], { error: 'format must be html, markdown or json' }).default('json')

/** The query of GET /api/v1/narratives/ID/versions/VID. */
export const VersionQuerySchema = z.object({ format: VersionFormatSchema })

/** The query of GET /read/ID/export.pdf and /api/v1/narratives/ID/export.pdf: a version other than the approved one. */
export const ExportQuerySchema = z.object({ v: z.uuid('Not a version id').optional() })

/** Form intents of the narrative's review and versions panel. */
export const ReviewIntentSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('request-review'),
    approverIds: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), RequestReviewSchema.shape.approverIds),
    dueDate: z.preprocess((v) => (v === '' ? null : v), isoDate.nullable().optional()),
  }),
  z.object({ intent: z.literal('cancel-review') }),
  z.object({
    intent: z.literal('decide'),
    decision: DecisionSchema.shape.decision,
    note: DecisionSchema.shape.note,
    versionId: z.uuid('Not a version id').optional(),
  }),
  z.object({ intent: z.literal('save-version'), name: VersionNameSchema }),
  z.object({ intent: z.literal('restore-version'), versionId: z.uuid('Not a version id') }),
])
