import type { ThreadView } from '#app/services/comments.server.ts'

/** What the narrative route's loader hands to `<NarrativePage>` (the route owns the loading). */
export interface NarrativePageData {
  narrative: {
    id: string
    title: string
    status: 'draft' | 'in_review' | 'approved' | 'archived'
    template: string
    ownerName: string
    updatedAt: string
    outline: { level: number; text: string }[]
    wordCount: number
  }
  user: { id: string; name: string }
  can: { edit: boolean; manage: boolean; comment: boolean }
  /** Comment threads and the members one can mention (absent for readers). */
  comments?: { threads: ThreadView[]; members: { id: string; name: string }[] }
}
