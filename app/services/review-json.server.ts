import type { ReviewPanelJson } from '#app/schemas/responses.ts'
import type { getReviewPanelFor } from './reviews.server.ts'

/** The API's view of a narrative's review state. */
export function reviewJson(p: Awaited<ReturnType<typeof getReviewPanelFor>>): ReviewPanelJson {
  return {
    narrativeId: p.narrative.id,
    status: p.narrative.status,
    review: p.review
      ? {
          id: p.review.id,
          status: p.review.status,
          outcome: p.review.outcome,
          dueDate: p.review.dueDate,
          requestedBy: { id: p.review.requestedBy, name: p.review.requestedByName },
          versionId: p.review.versionId,
          version: p.review.versionNumber,
          stale: p.stale,
          approvers: p.approvers.map((a) => ({
            id: a.userId,
            name: a.name,
            decision: a.decision,
            note: a.note,
            decidedAt: a.decidedAt?.toISOString() ?? null,
            versionId: a.versionId,
          })),
        }
      : null,
    gate: p.gate,
  }
}
