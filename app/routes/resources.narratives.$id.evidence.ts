import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { z } from 'zod'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { getNarrativeEvidence } from '#app/services/narrative-links.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

/** Comma-separated ids of the chips the editor holds; anything that is not a uuid is dropped. */
const Ids = z
  .string()
  .max(20_000)
  .default('')
  .transform((s) => [...new Set(s.split(',').filter((id) => z.uuid().safeParse(id).success))].slice(0, 500))
const ChipsSchema = z.object({ capability: Ids, system: Ids, metric: Ids })

/**
 * GET /resources/narratives/ID/evidence?capability=…&system=…&metric=… → the live status of the
 * chips in the text and the Feasibility / Metrics tabs of the narrative page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return api(async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const chips = ChipsSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return json(await getNarrativeEvidence(actor, id, chips), { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
