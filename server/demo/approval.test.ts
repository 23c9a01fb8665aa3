import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { seedDemo } from '#server/seed.ts'

const db = await useTestDatabase()

describe('the demo approval story', () => {
  it('has an approved strategy (CMO and MOps, frozen version) with a later draft, and the QBR in review with pending approvers', async () => {
    await seedDemo(db.sql, { password: 'accord-demo' })
    const [strategy] = await db.sql<{ status: string; approvedVersionId: string | null; text: string }[]>`
      select n.status, n.approved_version_id as "approvedVersionId", v.text
      from narratives n left join narrative_versions v on v.id = n.approved_version_id
      where n.title = 'FY27 account-based pipeline strategy'`
    expect(strategy!.status).toBe('draft')
    expect(strategy!.approvedVersionId).not.toBeNull()
    expect(strategy!.text).not.toContain('Draft for the H2 refresh')
    const approvers = await db.sql<{ email: string; decision: string }[]>`
      select u.email, a.decision from narrative_reviews r join review_approvers a on a.review_id = r.id join users u on u.id = a.user_id
      where r.approved_version_id = ${strategy!.approvedVersionId} order by u.email`
    expect(approvers).toEqual([
      { email: 'cmo@acme.test', decision: 'approve' },
      { email: 'mops@acme.test', decision: 'approve' },
    ])
    const [qbr] = await db.sql<{ status: string; pending: number }[]>`
      select n.status, (select count(*)::int from narrative_reviews r join review_approvers a on a.review_id = r.id
        where r.narrative_id = n.id and r.status = 'open' and a.decision is null) as pending
      from narratives n where n.title = 'FY27 Q1 marketing business review'`
    expect(qbr).toEqual({ status: 'in_review', pending: 3 })
  })
})
