import { z } from 'zod'
import {
  ASSESSMENT_DECISIONS,
  BAR_OPS,
  DATA_OBJECTS,
  DIRECTIONS,
  EFFORTS,
  FREQUENCIES,
  INTEGRATION_STATUSES,
  LIFECYCLES,
  MEASURES,
  REQUIREMENT_KINDS,
  SUPPORT_LEVELS,
  SYSTEM_CATEGORIES,
} from '#app/domain/inventory.ts'

const blankToNull = (v: unknown) => (v === '' || v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v)

/** A calendar day, YYYY-MM-DD, that exists. */
export const DaySchema = z
  .string({ error: 'Use a date like 2027-03-31' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-03-31')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
  }, 'This date does not exist')

const optionalDay = z.preprocess(blankToNull, DaySchema.nullable()).optional().default(null)

const money = z.preprocess(
  (v) => {
    const b = blankToNull(v)
    return typeof b === 'string' ? Number(b.replace(/[\s,_$€£]/g, '')) : b
  },
  z
    .number({ error: 'Enter an amount, e.g. 48000' })
    .finite('Enter an amount, e.g. 48000')
    .min(0, 'Cannot be negative')
    .max(1e11, 'Too large')
    .nullable(),
)

const count = z.preprocess(
  (v) => {
    const b = blankToNull(v)
    return typeof b === 'string' ? Number(b.replace(/[\s,_]/g, '')) : b
  },
  z
    .number({ error: 'Enter a whole number' })
    .int('Enter a whole number')
    .min(0, 'Cannot be negative')
    .max(10_000_000, 'Too large')
    .nullable(),
)

const text = (max: number) => z.preprocess((v) => (v == null ? '' : v), z.string().trim().max(max, `At most ${max} characters`))
const name = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(120, `${what} must be at most 120 characters`)

const optionalUuid = (message: string) => z.preprocess(blankToNull, z.uuid(message).nullable()).optional().default(null)

export const SystemInputSchema = z
  .object({
    name: name('Name'),
    vendor: text(120),
    category: z.enum(SYSTEM_CATEGORIES, { error: `Category must be one of ${SYSTEM_CATEGORIES.join(', ')}` }),
    ownerId: optionalUuid('Choose a member'),
    lifecycle: z.enum(LIFECYCLES, { error: `Lifecycle must be one of ${LIFECYCLES.join(', ')}` }),
    endDate: optionalDay,
    renewalDate: optionalDay,
    annualCost: money.optional().default(null),
    seatsPaid: count.optional().default(null),
    seatsUsed: count.optional().default(null),
    notes: text(2000),
  })
  .superRefine((s, ctx) => {
    if (s.lifecycle === 'phasing_out' && !s.endDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'A system phasing out needs the date it is switched off' })
    }
  })
export type SystemInput = z.infer<typeof SystemInputSchema>

export const CapabilityInputSchema = z.object({ name: name('Name'), description: text(500) })

export const SupportInputSchema = z.object({
  systemId: z.uuid('Choose a system'),
  capabilityId: z.uuid('Choose a capability'),
  level: z.enum(SUPPORT_LEVELS, { error: `Support must be one of ${SUPPORT_LEVELS.join(', ')}` }),
  note: text(500),
})

/** Objects as an array, or "contacts; accounts" as typed in a form or CSV cell. */
export const ObjectsSchema = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/[;,|]/)
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean)
      : v,
  z
    .array(z.enum(DATA_OBJECTS, { error: `Objects must be among ${DATA_OBJECTS.join(', ')}` }))
    .min(1, 'Choose at least one object')
    .transform((xs) => [...new Set(xs)]),
)

export const IntegrationInputSchema = z
  .object({
    fromSystemId: z.uuid('Choose the system data comes from'),
    toSystemId: z.uuid('Choose the system data goes to'),
    name: text(120),
    direction: z.enum(DIRECTIONS, { error: 'Direction must be one_way or two_way' }),
    objects: ObjectsSchema,
    frequency: z.enum(FREQUENCIES, { error: `Frequency must be one of ${FREQUENCIES.join(', ')}` }),
    status: z.enum(INTEGRATION_STATUSES, { error: `Status must be one of ${INTEGRATION_STATUSES.join(', ')}` }),
    liveFrom: optionalDay,
    notes: text(2000),
  })
  .superRefine((i, ctx) => {
    if (i.fromSystemId === i.toSystemId)
      ctx.addIssue({ code: 'custom', path: ['toSystemId'], message: 'An integration connects two different systems' })
    if (i.status === 'planned' && !i.liveFrom)
      ctx.addIssue({ code: 'custom', path: ['liveFrom'], message: 'A planned integration needs the date it goes live' })
  })
export type IntegrationInput = z.infer<typeof IntegrationInputSchema>

export const FigureInputSchema = z
  .object({
    object: z.enum(DATA_OBJECTS, { error: 'Choose an object' }),
    measure: z.enum(MEASURES, { error: 'Choose a measure' }),
    field: text(60),
    value: z.preprocess(
      (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.replace(/[%,\s]/g, ''))) : v),
      z.number({ error: 'Enter a number' }).finite('Enter a number').min(0, 'Cannot be negative'),
    ),
    asOf: DaySchema,
  })
  .superRefine((f, ctx) => {
    if (f.measure !== 'record_count' && f.value > 100)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'A rate is a percentage from 0 to 100' })
    if (f.measure === 'fill_rate' && !f.field) ctx.addIssue({ code: 'custom', path: ['field'], message: 'Name the field, e.g. email' })
  })

/**
 * A requirement as stated in a form or the API. Inventory items are given by id or by name; a
 * name that is not in the inventory is kept and evaluates to unknown.
 */
export const RequirementInputSchema = z
  .object({
    kind: z.enum(REQUIREMENT_KINDS, { error: `Kind must be one of ${REQUIREMENT_KINDS.join(', ')}` }),
    capability: z.preprocess(blankToNull, z.string().trim().max(120).nullable()).optional().default(null),
    system: z.preprocess(blankToNull, z.string().trim().max(120).nullable()).optional().default(null),
    from: z.preprocess(blankToNull, z.string().trim().max(120).nullable()).optional().default(null),
    to: z.preprocess(blankToNull, z.string().trim().max(120).nullable()).optional().default(null),
    objects: z
      .preprocess((v) => (v === '' || v == null ? [] : v), z.union([ObjectsSchema, z.array(z.never()).length(0)]))
      .optional()
      .default([]),
    object: z
      .preprocess(blankToNull, z.enum(DATA_OBJECTS, { error: 'Choose an object' }).nullable())
      .optional()
      .default(null),
    measure: z
      .preprocess(blankToNull, z.enum(MEASURES, { error: 'Choose a measure' }).nullable())
      .optional()
      .default(null),
    field: z.preprocess(blankToNull, z.string().trim().max(60).nullable()).optional().default(null),
    op: z
      .preprocess(blankToNull, z.enum(BAR_OPS, { error: 'Use at_most or at_least' }).nullable())
      .optional()
      .default(null),
    threshold: z
      .preprocess(
        (v) => (typeof v === 'string' ? (v.trim() === '' ? null : Number(v.replace(/[%,\s]/g, ''))) : v),
        z.number({ error: 'Enter a number' }).finite('Enter a number').min(0, 'Cannot be negative').nullable(),
      )
      .optional()
      .default(null),
    neededBy: optionalDay,
    note: text(1000),
  })
  .superRefine((r, ctx) => {
    const need = (path: keyof typeof r, message: string) => {
      const v = r[path]
      if (v === null || (Array.isArray(v) && v.length === 0)) ctx.addIssue({ code: 'custom', path: [path], message })
    }
    if (r.kind === 'capability') need('capability', 'Name the capability')
    if (r.kind === 'flow') {
      need('from', 'Name the system data comes from')
      need('to', 'Name the system data goes to')
      need('objects', 'Choose at least one object')
      if (r.from && r.to && r.from.toLowerCase() === r.to.toLowerCase())
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'A flow goes between two different systems' })
    }
    if (r.kind === 'data_quality') {
      need('system', 'Name the system')
      need('object', 'Choose an object')
      need('measure', 'Choose a measure')
      need('threshold', 'Enter the bar')
      if (r.measure === 'fill_rate' && !r.field) ctx.addIssue({ code: 'custom', path: ['field'], message: 'Name the field, e.g. email' })
      if (r.measure && r.measure !== 'record_count' && (r.threshold ?? 0) > 100)
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'A rate is a percentage from 0 to 100' })
    }
  })
export type RequirementInput = z.infer<typeof RequirementInputSchema>

export const AssessmentInputSchema = z.object({
  decision: z.enum(ASSESSMENT_DECISIONS, { error: 'Choose confirm, accept risk or block' }),
  effort: z
    .preprocess(blankToNull, z.enum(EFFORTS, { error: 'Effort is S, M, L or XL' }).nullable())
    .optional()
    .default(null),
  note: text(2000),
})

export const IMPORT_KINDS = ['systems', 'support', 'integrations'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/** Query of POST /api/v1/inventory/import (and the import page). Booleans from strings, never truthy "false". */
export const ImportQuerySchema = z.object({
  kind: z.enum(IMPORT_KINDS, { error: `kind must be one of ${IMPORT_KINDS.join(', ')}` }),
  dryRun: z
    .enum(['true', 'false', '1', '0', ''], { error: 'dryRun must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
})

export const InventoryIdSchema = z.uuid('Not an id')

/** DELETE /api/v1/systems/ID?confirm=true: delete even when requirements rely on it. */
export const DeleteSystemQuerySchema = z.object({ confirm: z.enum(['true', 'false'], { error: 'Use true or false' }).optional() })

/** PUT /api/v1/systems/ID/capabilities: a capability by id or name, and how the system supports it. */
export const SystemSupportBodySchema = z.object({
  capability: z.string({ error: 'capability (an id or a name) is required' }).trim().min(1, 'capability (an id or a name) is required'),
  level: z.enum(SUPPORT_LEVELS, { error: `level must be one of ${SUPPORT_LEVELS.join(', ')}` }),
  note: z.string().trim().max(500).optional().default(''),
})
