import type { z } from 'zod'
import type { Actor } from '#app/domain/policies.ts'
import type { ReviewIntentSchema } from '#app/schemas/reviews.ts'
import { cancelReview, decideReview, requestReview } from './reviews.server.ts'
import { restoreVersion, saveNamedVersion } from './versions.server.ts'

/** Runs one action of the narrative page's Versions tab (review, decisions, versions). */
export async function runReviewIntent(actor: Actor, narrativeId: string, intent: z.infer<typeof ReviewIntentSchema>) {
  switch (intent.intent) {
    case 'request-review':
      return {
        versionId: (await requestReview(actor, narrativeId, { approverIds: intent.approverIds, dueDate: intent.dueDate ?? null }))
          .versionId,
      }
    case 'cancel-review':
      await cancelReview(actor, narrativeId)
      return {}
    case 'decide': {
      const r = await decideReview(actor, narrativeId, { decision: intent.decision, note: intent.note, versionId: intent.versionId })
      return { outcome: r.outcome }
    }
    case 'save-version':
      return { versionId: (await saveNamedVersion(actor, narrativeId, intent.name)).id }
    case 'restore-version':
      return { versionId: (await restoreVersion(actor, narrativeId, intent.versionId)).id }
  }
}
