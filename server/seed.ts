import type { Sql } from '#db/client.ts'
import { countUsers } from '#db/queries/users.ts'
import { upsertMembership } from '#db/queries/workspaces.ts'
import { createUser, createWorkspace } from '#app/services/accounts.server.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'
import { seedDemoNarratives } from './demo/narratives.ts'
import { seedDemoComments } from './demo/comments.ts'
import { seedDemoStack } from './demo/stack.ts'
import { seedDemoChipCommitments, seedDemoMetrics } from './demo/metrics.ts'
import { seedDemoRoadmap } from './demo/roadmap.ts'
import { seedDemoApproval } from './demo/approval.ts'

export const DEMO_PEOPLE: { email: string; name: string; role: Role; function: MemberFunction }[] = [
  { email: 'mops@acme.test', name: 'Maya Okafor', role: 'owner', function: 'marketing_ops' },
  { email: 'cmo@acme.test', name: 'Claire Morgan', role: 'editor', function: 'marketing' },
  { email: 'sales@acme.test', name: 'Sam Alvarez', role: 'commenter', function: 'sales' },
  { email: 'finance@acme.test', name: 'Fiona Chen', role: 'commenter', function: 'finance' },
  { email: 'ceo@acme.test', name: 'Carlos Evans', role: 'reader', function: 'leadership' },
]

/** Demo content that each feature adds to the workspace (narratives, stack, metrics…), in order. */
export type DemoExtender = (sql: Sql, ctx: { workspaceId: string; people: Record<string, string> }) => Promise<void>
const extenders: DemoExtender[] = [seedDemoNarratives, seedDemoComments, seedDemoStack, seedDemoMetrics, seedDemoRoadmap]
// The strategy narrative's `$` chips commit it to its goals once narratives and metrics exist;
// then its approval (the gate needs those commitments).
extenders.push(seedDemoChipCommitments, seedDemoApproval)

/** Seeds the "Acme" demo workspace, all in one transaction. */
export async function seedDemo(sql: Sql, opts: { password: string }) {
  const ctx = await sql.begin(async (tx) => {
    const people: Record<string, string> = {}
    for (const p of DEMO_PEOPLE) people[p.email] = (await createUser(tx, { ...p, password: opts.password })).id
    const owner = people['mops@acme.test']!
    const workspace = await createWorkspace(tx, { name: 'Acme', userId: owner, role: 'owner', function: 'marketing_ops' })
    for (const p of DEMO_PEOPLE) {
      await upsertMembership(tx, { workspaceId: workspace.id, userId: people[p.email]!, role: p.role, function: p.function })
    }
    return { workspaceId: workspace.id, people }
  })
  for (const extend of extenders) await extend(sql, ctx)
  return ctx
}

/** Seeds the demo on a database without users; never into one that has people in it. */
export async function seedDemoIfEmpty(sql: Sql, opts: { password: string }): Promise<string | null> {
  if ((await countUsers(sql)) > 0) return null
  await seedDemo(sql, opts)
  return [
    'seeded the demo workspace "Acme". Sign in with any of these (password: ' + opts.password + '):',
    ...DEMO_PEOPLE.map((p) => `    ${p.email.padEnd(20)} ${p.role}`),
  ].join('\n')
}
