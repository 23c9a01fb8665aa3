import { z } from 'zod'

export const MAX_COMMENT = 4000

/** A comment body: plain text (rendered as text, never HTML), mentions written as `@Name`. */
export const CommentBodySchema = z
  .string({ error: 'Write a comment' })
  .trim()
  .min(1, 'Write a comment')
  .max(MAX_COMMENT, `A comment can be at most ${MAX_COMMENT} characters`)

const base64 = z
  .string({ error: 'Anchor is required' })
  .max(700, 'Anchor is too large')
  .min(1, 'Anchor is required')
  // Exactly what `atob` decodes: whole quads, then 2 or 3 characters (padded or not). A length of
  // 1 mod 4 passed a looser pattern and made the decoder throw (a 500).
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/, 'Anchor must be base64')

/** A new thread on a narrative: the range (Yjs relative positions, base64) and its quoted text. */
export const NewNarrativeThreadSchema = z.object({
  anchorStart: base64,
  anchorEnd: base64,
  quote: z.string({ error: 'Quote is required' }).trim().min(1, 'Select some text to comment on').max(1000, 'Quote is too long'),
  body: CommentBodySchema,
  /** A blocking thread holds back approval until it is resolved ("true"/"false" from forms). */
  blocking: z
    .union([z.boolean(), z.enum(['true', 'false', 'on']).transform((v) => v !== 'false')])
    .optional()
    .default(false),
})

export const NewCommentSchema = z.object({ body: CommentBodySchema })

/** What the comments API and the page's fetchers send as one action. */
export const CommentIntentSchema = z.discriminatedUnion('intent', [
  NewNarrativeThreadSchema.extend({ intent: z.literal('start') }),
  z.object({ intent: z.literal('reply'), threadId: z.uuid('Not a thread id'), body: CommentBodySchema }),
  z.object({ intent: z.literal('edit'), commentId: z.uuid('Not a comment id'), body: CommentBodySchema }),
  z.object({ intent: z.literal('delete'), commentId: z.uuid('Not a comment id') }),
  z.object({ intent: z.literal('resolve'), threadId: z.uuid('Not a thread id') }),
  z.object({ intent: z.literal('reopen'), threadId: z.uuid('Not a thread id') }),
  z.object({
    intent: z.literal('blocking'),
    threadId: z.uuid('Not a thread id'),
    blocking: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  }),
])
export type CommentIntent = z.infer<typeof CommentIntentSchema>

/** POST /api/v1/initiatives/ID/comments: a new thread, or a reply when threadId is given. */
export const InitiativeCommentSchema = z.object({ body: CommentBodySchema, threadId: z.uuid('Not a thread id').optional() })

/** `?resolved=` of GET /api/v1/narratives/ID/comments: only resolved (true) or open (false) threads. */
export const ThreadListQuerySchema = z.object({
  resolved: z
    .enum(['true', 'false'], { error: 'resolved must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('true: resolved threads only; false: open threads only; absent: all'),
})
