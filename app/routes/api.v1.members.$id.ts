import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { MemberIdSchema, MemberPatchSchema } from '#app/schemas/accounts.ts'
import { changeMember, getMemberFor, listMembersForApi, memberJson } from '#app/services/workspaces.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson, requireParam } from '#app/utils/http.server.ts'
import { canManageWorkspace } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/members/ID → { id, name, email, role, function, joined } (readers: 403). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', MemberIdSchema, 'Member')
    const member = (await listMembersForApi(actor)).find((m) => m.userId === id)
    if (!member) throw notFound('Member')
    return json(memberJson(member))
  })
}

/** PATCH /api/v1/members/ID { role?, function? } → the member (owners only; 409 when it would leave no owner). */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'PATCH') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', MemberIdSchema, 'Member')
    requireRight(actor, canManageWorkspace)
    await getMemberFor(actor, id)
    const patch = parseOrThrow(MemberPatchSchema, await readJson(request, 16 * 1024))
    await changeMember(actor, { userId: id, ...patch })
    return json(memberJson(await getMemberFor(actor, id)))
  })
}
