import { z } from 'zod'
import { EFFORT_SIZES, INITIATIVE_STATUSES, STANCES } from '#app/domain/prioritisation.ts'

/** Empty form fields mean "none". */
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v)
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const num = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v)

export const InitiativeIdSchema = z.uuid('Not an initiative id')

/** A fiscal quarter ("2027-Q1") or a horizon (now, next, later). */
export const TimeframeSchema = z
  .string({ error: 'Timeframe is required' })
  .trim()
  .regex(/^(\d{4}-Q[1-4]|now|next|later)$/, 'Timeframe: a quarter like 2027-Q1, or now, next or later')

/** One expected impact: a metric of the dictionary (its key; unknown keys are kept as typed), the change and the confidence. */
export const ImpactSchema = z.object({
  metric: z.string({ error: 'Metric is required' }).trim().toLowerCase().min(1, 'Metric is required').max(120, 'Metric key is too long'),
  expectedChange: z.preprocess(
    num,
    z.number({ error: 'Expected change must be a number (percent)' }).min(-1000, 'At least −1000%').max(1000, 'At most +1000%'),
  ),
  confidence: z.preprocess(
    num,
    z.number({ error: 'Confidence must be a number from 0 to 1' }).min(0, 'Confidence is 0 to 1').max(1, 'Confidence is 0 to 1'),
  ),
})
export type ImpactInput = z.infer<typeof ImpactSchema>

/** Forms send the impacts as one JSON field (the impacts editor); the API sends an array. */
const ImpactsSchema = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v
    if (v.trim() === '') return []
    try {
      return JSON.parse(v) as unknown
    } catch {
      return v
    }
  },
  z.array(ImpactSchema, { error: 'Impacts must be a list' }).max(12, 'At most 12 expected impacts'),
)

const fields = {
  title: z.string({ error: 'Title is required' }).trim().min(1, 'Title is required').max(200, 'At most 200 characters'),
  description: z.string().trim().max(4000, 'At most 4000 characters').default(''),
  ownerId: z.preprocess(blankToNull, z.uuid('Not a member id').nullable()).default(null),
  narrativeId: z.preprocess(blankToNull, z.uuid('Not a narrative id').nullable()).default(null),
  timeframe: TimeframeSchema,
  status: z.enum(INITIATIVE_STATUSES, { error: 'Status: proposed, planned, in_progress, done or dropped' }).default('proposed'),
  effort: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z.enum(EFFORT_SIZES, { error: 'Effort: S, M, L or XL' }),
  ),
  effortWeeks: z
    .preprocess((v) => num(blankToNull(v)), z.number({ error: 'Person-weeks must be a number' }).gt(0, 'More than 0').max(520).nullable())
    .default(null),
  impacts: ImpactsSchema.default([]),
}

export const InitiativeInputSchema = z.object(fields)
export type InitiativeInput = z.infer<typeof InitiativeInputSchema>

/** A partial update: only the fields sent change. */
export const InitiativePatchSchema = z
  .object({
    title: fields.title,
    description: z.string().trim().max(4000, 'At most 4000 characters'),
    ownerId: z.preprocess(blankToNull, z.uuid('Not a member id').nullable()),
    narrativeId: z.preprocess(blankToNull, z.uuid('Not a narrative id').nullable()),
    timeframe: TimeframeSchema,
    status: fields.status.unwrap(),
    effort: fields.effort,
    effortWeeks: z.preprocess((v) => num(blankToNull(v)), z.number().gt(0, 'More than 0').max(520).nullable()),
    impacts: ImpactsSchema,
  })
  .partial()
export type InitiativePatch = z.infer<typeof InitiativePatchSchema>

/** A move on the board: the new timeframe and the index in that column. */
export const MoveSchema = z.object({
  timeframe: TimeframeSchema,
  index: z.preprocess(num, z.number().int().min(0).max(10_000)),
})

export const StanceInputSchema = z.object({
  stance: z.enum(STANCES, { error: 'Stance: support, concern or block' }),
  reason: z
    .string({ error: 'Say why in a sentence' })
    .trim()
    .min(1, 'Say why in a sentence: evidence helps more than volume')
    .max(2000, 'At most 2000 characters'),
})
export type StanceInput = z.infer<typeof StanceInputSchema>

/** The workspace's scoring weights. */
export const WeightsSchema = z.object({
  metrics: z.record(z.string().trim().toLowerCase().min(1).max(120), z.preprocess(num, z.number().min(0).max(100))).default({}),
  defaultWeight: z.preprocess(num, z.number().min(0, 'At least 0').max(100, 'At most 100')).default(1),
  penaliseFailing: z.preprocess((v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === undefined ? false : v), z.boolean()),
  failFactor: z.preprocess(num, z.number().min(0, '0 to 1').max(1, '0 to 1')).default(0.5),
})

/** Roadmap filters from the query string (all optional). */
export const RoadmapFilterSchema = z.object({
  view: z.preprocess(blankToUndefined, z.enum(['quarters', 'horizons', 'ranked', 'chart']).catch('quarters')).default('quarters'),
  owner: z.preprocess(blankToUndefined, z.uuid().optional().catch(undefined)),
  status: z.preprocess(blankToUndefined, z.enum(INITIATIVE_STATUSES).optional().catch(undefined)),
  fn: z.preprocess(blankToUndefined, z.string().max(40).optional().catch(undefined)),
  feasibility: z.preprocess(blankToUndefined, z.enum(['pass', 'at_risk', 'fail', 'unknown']).optional().catch(undefined)),
})
export type RoadmapFilter = z.infer<typeof RoadmapFilterSchema>
