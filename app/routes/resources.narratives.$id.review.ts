import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { getReviewPanelFor } from '#app/services/reviews.server.ts'
import { listVersionsFor, versionJson } from '#app/services/versions.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { api, requireParam } from '#app/utils/http.server.ts'

export type ReviewPanelData = Awaited<ReturnType<typeof loadPanel>>

async function loadPanel(actor: Parameters<typeof getReviewPanelFor>[0], id: string) {
  const [panel, list] = await Promise.all([getReviewPanelFor(actor, id), listVersionsFor(actor, id)])
  return {
    status: panel.narrative.status,
    review: panel.review
      ? {
          id: panel.review.id,
          status: panel.review.status,
          outcome: panel.review.outcome,
          dueDate: panel.review.dueDate,
          requestedByName: panel.review.requestedByName,
          versionId: panel.review.versionId,
          versionNumber: panel.review.versionNumber,
        }
      : null,
    stale: panel.stale,
    approvers: panel.approvers.map((a) => ({
      userId: a.userId,
      name: a.name,
      decision: a.decision,
      note: a.note,
      decidedAt: a.decidedAt?.toISOString() ?? null,
    })),
    gate: panel.gate,
    candidates: panel.candidates,
    events: panel.events.map((e) => ({
      id: e.id,
      kind: e.kind,
      actorName: e.actorName,
      versionNumber: e.versionNumber,
      detail: e.detail,
      createdAt: e.createdAt.toISOString(),
    })),
    reads: panel.reads.map((r) => ({ name: r.name, versionNumber: r.versionNumber, acknowledgedAt: r.acknowledgedAt.toISOString() })),
    versions: list.versions.map(versionJson),
    can: { ...panel.can, save: list.can.save, restore: list.can.restore },
  }
}

/** GET /resources/narratives/ID/review → the Versions tab: review, approvers, checklist, versions, audit trail. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return api(async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    return json(await loadPanel(actor, id), { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
