import type { NarrativeRow } from '#db/queries/narratives.ts'

/** The API's view of a narrative. */
export function narrativeJson(n: NarrativeRow, opts: { withText?: boolean } = {}) {
  return {
    id: n.id,
    title: n.title,
    status: n.status,
    template: n.template,
    owner: { id: n.ownerId, name: n.ownerName },
    excerpt: n.excerpt,
    ...(opts.withText ? { text: n.text, outline: n.outline, wordCount: n.wordCount } : {}),
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  }
}
