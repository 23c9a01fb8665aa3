import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { requireOwner } from '#app/utils/guards.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOwner(request)
  return redirect('/settings/members')
}
