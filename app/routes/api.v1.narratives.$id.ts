import type { LoaderFunctionArgs } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { narrativeDetailJson } from '#app/services/narrative-json.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives/ID → { id, title, status, template, text, outline, updatedAt, … } */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const version = await currentVersion({ table: 'narratives', id: id, workspaceId: actor.workspaceId })
    return jsonWithETag(request, version, narrativeDetailJson(await getNarrativeFor(actor, id)))
  })
}
