import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { MarkNotificationsSchema } from '#app/schemas/notifications.ts'
import { forbidden } from '#app/domain/errors.ts'
import { canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { countUnreadFor, listNotificationsFor, markNotificationsRead } from '#app/services/notifications.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/notifications[?unread=true] → { data: [notification], unread }. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers have no inbox: comments and input are working material')
    const unreadOnly = new URL(request.url).searchParams.get('unread') === 'true'
    const [data, unread] = await Promise.all([listNotificationsFor(actor, { unreadOnly }), countUnreadFor(actor)])
    return json({ data, unread })
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
