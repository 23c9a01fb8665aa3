import { z } from 'zod'
import { AGGREGATIONS, DIRECTIONS, INDICATOR_KINDS, parseNumber, RESERVED_KEYS, UNITS } from '#app/domain/metrics.ts'
import { GRANULARITIES, parseDate, parsePeriod } from '#app/domain/periods.ts'
import { FUNCTIONS } from '#app/domain/policies.ts'

/** Empty form fields mean "none". */
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v)
/** Form checkboxes and query strings: "on", "true", "1" are true; "false", "0", "" and absent are false. */
export const FlagSchema = z.preprocess(
  (v) => {
    if (typeof v === 'boolean') return v
    if (v === undefined || v === null) return false
    if (typeof v === 'string')
      return ['on', 'true', '1', 'yes'].includes(v.trim().toLowerCase())
        ? true
        : ['', 'off', 'false', '0', 'no'].includes(v.trim().toLowerCase())
          ? false
          : v
    return v
  },
  z.boolean({ error: 'Must be true or false' }),
)

/** A number typed by a person ("4,000,000", "$4.6M", "14%") or sent as JSON. */
export const NumberSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (parseNumber(v) ?? v) : v),
  z.number({ error: 'Must be a number' }).refine(Number.isFinite, 'Must be a finite number'),
)

export const MetricKeySchema = z
  .string({ error: 'Key is required' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_]{1,62}$/, 'Key: 2–63 lowercase letters, digits and underscores, starting with a letter (e.g. mql_to_sql)')
  .refine((k) => !RESERVED_KEYS.includes(k), 'This key is reserved; choose another')

export const CurrencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'Currency: a three-letter ISO code such as USD or EUR')

const MetricFields = {
  name: z.string({ error: 'Name is required' }).trim().min(1, 'Name is required').max(120, 'Name must be at most 120 characters'),
  definition: z.string().trim().max(4000, 'Definition must be at most 4,000 characters').default(''),
  unit: z.enum(UNITS, { error: `Unit must be one of ${UNITS.join(', ')}` }),
  currency: z.preprocess(blankToNull, CurrencySchema.nullable()).default(null),
  direction: z.enum(DIRECTIONS, { error: 'Direction must be higher or lower' }),
  indicator: z.enum(INDICATOR_KINDS, { error: 'Indicator must be leading or lagging' }),
  aggregation: z.enum(AGGREGATIONS, { error: `Aggregation must be one of ${AGGREGATIONS.join(', ')}` }),
  ownerFunction: z
    .preprocess(blankToNull, z.enum(FUNCTIONS, { error: 'Owner function is not one of the workspace functions' }).nullable())
    .default(null),
  sourceSystem: z
    .preprocess(blankToNull, z.string().trim().max(120, 'Source system must be at most 120 characters').nullable())
    .default(null),
  goalKey: z.preprocess(blankToNull, z.string().trim().toLowerCase().max(63).nullable()).default(null),
  northStar: FlagSchema.default(false),
  funnelStep: z
    .preprocess(
      (v) => (typeof v === 'string' ? (v.trim() === '' ? null : Number(v)) : v),
      z.number({ error: 'Funnel step must be a whole number' }).int('Funnel step must be a whole number').min(1).max(20).nullable(),
    )
    .default(null),
}

function currencyRule<T extends { unit?: string; currency?: string | null }>(m: T, ctx: z.RefinementCtx) {
  if (m.unit === 'currency' && !m.currency)
    ctx.addIssue({ code: 'custom', path: ['currency'], message: 'A currency metric needs a currency code' })
}

export const MetricInputSchema = z
  .object({ key: MetricKeySchema, ...MetricFields })
  .superRefine(currencyRule)
  .transform((m) => ({ ...m, currency: m.unit === 'currency' ? m.currency : null }))
export type MetricInput = z.infer<typeof MetricInputSchema>

/** A partial update (the key never changes: it is how the API and imports name the metric). */
export const MetricUpdateSchema = z
  .object({
    name: MetricFields.name.optional(),
    definition: z.string().trim().max(4000, 'Definition must be at most 4,000 characters').optional(),
    unit: MetricFields.unit.optional(),
    currency: z.preprocess(blankToNull, CurrencySchema.nullable()).optional(),
    direction: MetricFields.direction.optional(),
    indicator: MetricFields.indicator.optional(),
    aggregation: MetricFields.aggregation.optional(),
    ownerFunction: MetricFields.ownerFunction.optional(),
    sourceSystem: MetricFields.sourceSystem.optional(),
    goalKey: MetricFields.goalKey.optional(),
    northStar: FlagSchema.optional(),
    funnelStep: MetricFields.funnelStep.optional(),
  })
  .strict()
export type MetricUpdate = z.infer<typeof MetricUpdateSchema>

/** A batch of values as sent: checked row by row by the service, so every bad row is reported. */
export const ValueBatchSchema = z
  .array(z.unknown(), { error: 'Send a JSON array of { period, value }' })
  .min(1, 'Send at least one row')
  .max(10_000, 'At most 10,000 rows per request')

export const ValueRowSchema = z.object({ period: z.string({ error: 'period is required' }), value: z.unknown() })

const PeriodOrDate = z
  .string()
  .trim()
  .refine((s) => parsePeriod(s).ok || parseDate(s) !== null, 'Must be a period (2026-11, 2026-Q4, 2026-W47, 2026) or a date (2026-11-30)')

export const SeriesQuerySchema = z.object({
  granularity: z.enum(GRANULARITIES, { error: `granularity must be one of ${GRANULARITIES.join(', ')}` }).default('month'),
  from: PeriodOrDate.optional(),
  to: PeriodOrDate.optional(),
})

export const ImportQuerySchema = z.object({
  dryRun: FlagSchema.default(false),
  /** Rows given as a date land in the period of this granularity that contains the date. */
  granularity: z.enum(GRANULARITIES, { error: `granularity must be one of ${GRANULARITIES.join(', ')}` }).default('month'),
  kind: z.enum(['actual', 'target'], { error: 'kind must be actual or target' }).default('actual'),
})

export const MetricSettingsSchema = z
  .object({
    fiscalYearStartMonth: z.coerce.number({ error: 'Pick a month' }).int().min(1, 'Pick a month').max(12, 'Pick a month'),
    onTrackPercent: NumberSchema.pipe(z.number().min(1, 'Between 1% and 150%').max(150, 'Between 1% and 150%')),
    atRiskPercent: NumberSchema.pipe(z.number().min(1, 'Between 1% and 150%').max(150, 'Between 1% and 150%')),
    currency: CurrencySchema,
  })
  .refine((s) => s.atRiskPercent < s.onTrackPercent, {
    path: ['atRiskPercent'],
    message: 'The at-risk threshold must be below the on-track threshold',
  })
export type MetricSettingsInput = z.infer<typeof MetricSettingsSchema>

export const CommitmentInputSchema = z.object({
  metricKey: MetricKeySchema,
  baseline: NumberSchema,
  target: NumberSchema,
  granularity: z.enum(GRANULARITIES, { error: `Measure per ${GRANULARITIES.join(', ')}` }).default('month'),
  dueOn: z
    .string({ error: 'A due date is required' })
    .trim()
    .refine((s) => parseDate(s) !== null, 'Due date: a date such as 2027-03-31'),
  note: z.string().trim().max(500, 'Note must be at most 500 characters').default(''),
})
export type CommitmentInput = z.infer<typeof CommitmentInputSchema>

/** Changing a commitment's terms (its metric stays). */
export const CommitmentUpdateSchema = CommitmentInputSchema.omit({ metricKey: true }).extend({
  commitmentId: z.uuid({ error: 'Which commitment?' }),
})
export type CommitmentUpdate = z.infer<typeof CommitmentUpdateSchema>

export const CADENCES = ['week', 'month', 'quarter'] as const

/** A review's note: overall (no metric) or on one metric line; an empty body removes it. */
export const ReviewNoteSchema = z.object({
  cadence: z.enum(['week', 'month', 'quarter'], { error: 'cadence must be week, month or quarter' }),
  period: z
    .string({ error: 'Which period?' })
    .trim()
    .refine((s) => parsePeriod(s).ok, 'Not a period'),
  metricKey: z
    .string()
    .trim()
    .optional()
    .transform((s) => s || null),
  body: z.string().trim().max(2000, 'A note must be at most 2,000 characters').default(''),
})
export type ReviewNoteInput = z.infer<typeof ReviewNoteSchema>
export const ReviewQuerySchema = z.object({
  cadence: z.enum(CADENCES, { error: 'cadence must be week, month or quarter' }).default('month'),
  period: z
    .string()
    .trim()
    .optional()
    .refine((s) => !s || parsePeriod(s).ok, 'Not a period'),
})
