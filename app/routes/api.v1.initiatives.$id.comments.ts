import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { InitiativeCommentSchema } from '#app/schemas/comments.ts'
import { InitiativeIdSchema } from '#app/schemas/roadmap.ts'
import type { InitiativeThreadJson } from '#app/schemas/responses.ts'
import type { ThreadView } from '#app/services/comments.server.ts'
import { listInitiativeDiscussion, runInitiativeCommentIntent } from '#app/services/roadmap.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, keysetOf, keysetSpec, pageFromRows, pageJson, readPage } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canComment } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

function threadJson(t: ThreadView): InitiativeThreadJson {
  return {
    id: t.id,
    quote: t.quote || null,
    resolved: t.resolved,
    resolvedAt: t.resolvedAt,
    resolvedBy: t.resolvedByName,
    createdAt: t.createdAt,
    comments: t.comments.map((c) => ({
      id: c.id,
      author: c.authorName,
      authorId: c.authorId,
      body: c.body,
      createdAt: c.createdAt,
      editedAt: c.editedAt,
    })),
  }
}

/** GET /api/v1/initiatives/ID/comments[?limit=&cursor=] → { data: [thread with comments], nextCursor }, oldest thread first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const page = readPage(request, 'initiative-comments')
    const rows = await listInitiativeDiscussion(actor, requireParam(params, 'id', InitiativeIdSchema, 'Initiative'), keysetOf(page))
    const shown = pageFromRows(request, rows, keysetSpec('initiative-comments'), page.limit)
    return pageJson({ ...shown, data: shown.data.map(threadJson) })
  })
}

/** POST /api/v1/initiatives/ID/comments { body, threadId? } (plain text; `@Name` mentions a member) → 201 { threadId, commentId? }. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InitiativeIdSchema, 'Initiative')
    requireRight(actor, canComment)
    await requireRow(actor, 'initiatives', { id })
    return idempotent(request, actor, async () => {
      const input = parseOrThrow(InitiativeCommentSchema, await readJson(request, 16 * 1024))
      const result = input.threadId
        ? {
            threadId: input.threadId,
            ...(await runInitiativeCommentIntent(actor, id, { intent: 'reply', threadId: input.threadId, body: input.body })),
          }
        : await runInitiativeCommentIntent(actor, id, { intent: 'new', body: input.body })
      return json(result, { status: 201 })
    })
  })
}
