import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { MarkNotificationsSchema, NotificationListQuerySchema } from '#app/schemas/notifications.ts'
import { forbidden } from '#app/domain/errors.ts'
import { canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { countUnreadFor, listNotificationsFor, markNotificationsRead } from '#app/services/notifications.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { keysetOf, keysetSpec, pageFromRows, pageJson, readPage } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/notifications[?unread=true&limit=&cursor=] → { data: [notification], nextCursor, unread }, newest first. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers have no inbox: comments and input are working material')
    const { unread: unreadOnly } = parseOrThrow(NotificationListQuerySchema, {
      unread: new URL(request.url).searchParams.get('unread') ?? undefined,
    })
    const page = readPage(request, 'notifications')
    const [rows, unread] = await Promise.all([listNotificationsFor(actor, { unreadOnly, page: keysetOf(page) }), countUnreadFor(actor)])
    const shown = pageFromRows(request, rows, keysetSpec('notifications'), page.limit)
    return pageJson({ ...shown, data: shown.data.map(({ sortMicros: _s, ...n }) => n) }, { unread })
  })
}

/** POST /api/v1/notifications { ids?: [id] } marks those (or all) read → { marked }. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers have no inbox')
    const { ids } = parseOrThrow(MarkNotificationsSchema, await readJson(request, 64 * 1024))
    return json({ marked: await markNotificationsRead(actor, ids) })
  })
}
