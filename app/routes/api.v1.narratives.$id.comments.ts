import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { CommentIntentSchema, ThreadListQuerySchema } from '#app/schemas/comments.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import type { NarrativeThreadJson } from '#app/schemas/responses.ts'
import { listNarrativeThreads, runNarrativeCommentIntent } from '#app/services/comments.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, keysetOf, keysetSpec, pageFromRows, pageJson, readPage } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canComment } from '#app/domain/policies.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/**
 * GET /api/v1/narratives/ID/comments[?resolved=false|true&limit=&cursor=] → { data: [{ id, quote, resolved, anchor, comments }], nextCursor },
 * oldest thread first.
 * `anchor` holds the Yjs relative positions (base64) of the range; `quote` stays when the text is deleted.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const { resolved } = parseOrThrow(ThreadListQuerySchema, { resolved: new URL(request.url).searchParams.get('resolved') ?? undefined })
    const page = readPage(request, 'narrative-comments')
    const threads = await listNarrativeThreads(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'), {
      resolved,
      page: keysetOf(page),
    })
    const shown = pageFromRows(request, threads, keysetSpec('narrative-comments'), page.limit)
    return pageJson({
      ...shown,
      data: shown.data.map((t): NarrativeThreadJson => ({
        id: t.id,
        quote: t.quote,
        resolved: t.resolved,
        resolvedAt: t.resolvedAt,
        resolvedBy: t.resolvedByName,
        anchor: { start: t.anchorStart, end: t.anchorEnd },
        createdAt: t.createdAt,
        comments: t.comments.map((c) => ({
          id: c.id,
          author: c.authorName,
          authorId: c.authorId,
          body: c.body,
          createdAt: c.createdAt,
          editedAt: c.editedAt,
        })),
      })),
    })
  })
}

/**
 * POST /api/v1/narratives/ID/comments with one intent: { intent: "start", anchorStart, anchorEnd, quote, body },
 * { intent: "reply", threadId, body }, { intent: "edit" | "delete", commentId, body? }, { intent: "resolve" | "reopen", threadId }.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    await getNarrativeFor(actor, id)
    requireRight(actor, canComment)
    return idempotent(request, actor, async () => {
      const intent = parseOrThrow(CommentIntentSchema, await readJson(request, 16 * 1024))
      const result = await runNarrativeCommentIntent(actor, id, intent)
      return json(result, { status: intent.intent === 'start' || intent.intent === 'reply' ? 201 : 200 })
    })
  })
}
