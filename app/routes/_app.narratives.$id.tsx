import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { NarrativeIdSchema, NarrativeIntentSchema } from '#app/schemas/narratives.ts'
import { getNarrativeFor, narrativeAbilities, renameNarrative, setNarrativeArchived } from '#app/services/narratives.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { CommentIntentSchema } from '#app/schemas/comments.ts'
import { listNarrativeThreads, listMentionableMembers, runNarrativeCommentIntent } from '#app/services/comments.server.ts'
import { NarrativePage } from '#app/editor/NarrativePage.tsx'
// Relative, so the compiler bundles it (a `#app` import stays external and Node cannot load .css).
import { links as narrativeLinks } from '../editor/styles.ts'
import { links as commentsLinks } from '../components/comments/styles.ts'
import { links as chipsLinks } from '../editor/panels/styles.ts'
import type { NarrativePageData } from '#app/editor/types.ts'
import { ReviewIntentSchema } from '#app/schemas/reviews.ts'
import { runReviewIntent } from '#app/services/review-intents.server.ts'
import {
  canComment,
  canManageNarrative,
  canRequestReview,
  canSeeWorkingMaterial,
  type Actor,
  type NarrativeStatus,
} from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export const links: LinksFunction = () => [...narrativeLinks(), ...commentsLinks(), ...chipsLinks()]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.narrative.title ?? 'Narrative'} · Accord` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, user } = await requireActor(request)
  return orThrowResponse(async () => {
    const n = await getNarrativeFor(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))
    const data: NarrativePageData = {
      narrative: {
        id: n.id,
        title: n.title,
        status: n.status,
        template: n.template,
        ownerName: n.ownerName,
        updatedAt: n.updatedAt.toISOString(),
        outline: n.outline,
        wordCount: n.wordCount,
      },
      user: { id: user.id, name: user.name },
      can: narrativeAbilities(actor, n),
    }
    if (data.can.comment) {
      const [threads, members] = await Promise.all([listNarrativeThreads(actor, n.id), listMentionableMembers(actor)])
      data.comments = { threads, members }
    }
    return json(data)
  })
}

const COMMENT_INTENTS = new Set(['start', 'reply', 'edit', 'delete', 'resolve', 'reopen', 'blocking'])
const REVIEW_INTENTS = new Set(['request-review', 'cancel-review', 'decide', 'save-version', 'restore-version'])

/**
 * The right a kind of write asks, checked before its fields are parsed; for the review intents a
 * necessary part of it (readers are refused), the service checks the rest.
 */
function rightOf(intent: string, narrative: { status: NarrativeStatus }) {
  if (COMMENT_INTENTS.has(intent)) return canComment
  if (intent === 'request-review' || intent === 'cancel-review') return (actor: Actor) => canRequestReview(actor, narrative)
  if (REVIEW_INTENTS.has(intent)) return canSeeWorkingMaterial
  return canManageNarrative
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    requireRight(actor, rightOf(values.intent ?? '', await getNarrativeFor(actor, id)))
    if (COMMENT_INTENTS.has(values.intent ?? '')) {
      const result = await runNarrativeCommentIntent(actor, id, parseOrThrow(CommentIntentSchema, values))
      return json({ ok: true as const, ...result })
    }
    if (REVIEW_INTENTS.has(values.intent ?? '')) {
      return json({ ok: true as const, ...(await runReviewIntent(actor, id, parseOrThrow(ReviewIntentSchema, values))) })
    }
    const intent = parseOrThrow(NarrativeIntentSchema, values)
    if (intent.intent === 'rename') await renameNarrative(actor, { id, title: intent.title })
    else await setNarrativeArchived(actor, { id, archived: intent.intent === 'archive' })
    return json({ ok: true as const })
  })
}

export default function NarrativeRoute() {
  const data = useLoaderData<typeof loader>()
  return <NarrativePage data={data} />
}
