import type { Sql } from '#db/client.ts'
import { appendNarrativeUpdateGroups } from '#db/queries/narrative-docs.ts'
import type { Actor } from '#app/domain/policies.ts'
import { assessRequirement, getNarrativeFeasibility } from '#app/services/feasibility.server.ts'
import { decideReview, noteNarrativeEdited, requestReview } from '#app/services/reviews.server.ts'
import { buildAppendParagraphUpdate } from '#app/document/content.ts'
import { loadStoredSnapshot } from '#app/document/snapshot.ts'
import type { DemoExtender } from '../seed.ts'

/**
 * Review and approval in the demo, through the same services as the app: MOps assesses what the
 * stack cannot do yet, the CMO and MOps approve the FY27 strategy (a frozen version with its
 * evidence), the CMO then starts a later draft; the Q1 QBR waits in review for the CMO and finance.
 */
export const seedDemoApproval: DemoExtender = async (sql: Sql, { workspaceId, people }) => {
  const mops: Actor = { userId: people['mops@acme.test']!, workspaceId, role: 'owner' }
  const cmo: Actor = { userId: people['cmo@acme.test']!, workspaceId, role: 'editor' }
  const finance = people['finance@acme.test']!
  const byTitle = async (title: string) =>
    (await sql<{ id: string }[]>`select id from narratives where workspace_id = ${workspaceId} and title = ${title}`)[0]?.id
  const strategy = await byTitle('FY27 account-based pipeline strategy')
  if (strategy) {
    const feasibility = await getNarrativeFeasibility(mops, strategy)
    for (const r of feasibility.requirements) {
      if ((r.status === 'fail' || r.status === 'unknown') && (!r.assessment || r.assessment.stale)) {
        await assessRequirement(
          mops,
          { narrativeId: strategy, requirementId: r.id },
          { decision: 'accept_risk', effort: 'M', note: 'Planned in the FY27 Q2 stack work; tracked in OPS-430.' },
        )
      }
    }
    await requestReview(cmo, strategy, { approverIds: [cmo.userId, mops.userId], dueDate: '2026-04-15' })
    await decideReview(mops, strategy, { decision: 'approve', note: 'Feasible with the attribution work planned for Q2.' })
    await decideReview(cmo, strategy, { decision: 'approve', note: 'This is the plan we run FY27 on.' })
    // A later draft in progress: leadership keeps reading the approved version.
    const current = await loadStoredSnapshot(sql, strategy)
    const edit = buildAppendParagraphUpdate(
      current.update,
      'Draft for the H2 refresh: extend the programme to the 150 EMEA accounts once the Q2 attribution work lands.',
    )
    await appendNarrativeUpdateGroups(sql, [{ narrativeId: strategy, updates: [{ data: edit, authorId: cmo.userId }] }])
    await noteNarrativeEdited(sql, strategy)
  }
  const qbr = await byTitle('FY27 Q1 marketing business review')
  // The approval policy: the CMO and the MOps lead, finance as well for the numbers.
  if (qbr) await requestReview(mops, qbr, { approverIds: [cmo.userId, mops.userId, finance], dueDate: '2026-07-10' })
}
