import type { NarrativeRow } from '#db/queries/narratives.ts'
import type { NarrativeDetailJson, NarrativeJson } from '#app/schemas/responses.ts'

/** The API's view of a narrative in a list. */
export function narrativeJson(n: NarrativeRow): NarrativeJson {
  return {
    id: n.id,
    title: n.title,
    status: n.status,
    template: n.template,
    owner: { id: n.ownerId, name: n.ownerName },
    excerpt: n.excerpt,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  }
}

/** One narrative: the list's view plus its derived text and outline. */
export function narrativeDetailJson(n: NarrativeRow): NarrativeDetailJson {
  return { ...narrativeJson(n), text: n.text, outline: n.outline, wordCount: n.wordCount }
}
