import { z } from 'zod'
import { TEMPLATES } from '#app/domain/templates.ts'

export const NARRATIVE_STATUSES = ['draft', 'in_review', 'approved', 'archived'] as const

export const NarrativeTitleSchema = z
  .string({ error: 'Title is required' })
  .trim()
  .min(1, 'Title is required')
  .max(200, 'Title must be at most 200 characters')

export const CreateNarrativeSchema = z.object({
  title: NarrativeTitleSchema,
  template: z.enum(TEMPLATES, { error: `Template must be one of ${TEMPLATES.join(', ')}` }),
})

/** List filters from URL params (strings only; empty means "any"). */
export const NarrativeListQuerySchema = z.object({
  status: z
    .enum(NARRATIVE_STATUSES, { error: `Status must be one of ${NARRATIVE_STATUSES.join(', ')}` })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  owner: z
    .uuid('Owner must be a member id')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  q: z.string().trim().max(200, 'Search must be at most 200 characters').optional(),
})

export const NarrativeIdSchema = z.uuid('Not a narrative id')

export const NarrativeIntentSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('rename'), title: NarrativeTitleSchema }),
  z.object({ intent: z.literal('archive') }),
  z.object({ intent: z.literal('restore') }),
])
