import type { Db } from '../client.ts'
import type { Stance } from '#app/domain/prioritisation.ts'
import type { MemberFunction } from '#app/domain/policies.ts'

export interface StanceRow {
  initiativeId: string
  userId: string
  userName: string
  stance: Stance
  reason: string
  function: MemberFunction
  updatedAt: Date
}

/** The stances on the workspace's initiatives (or one initiative), newest first. */
export async function listStances(db: Db, args: { workspaceId: string; initiativeId?: string }) {
  return db<StanceRow[]>`
    select s.initiative_id as "initiativeId", s.user_id as "userId", u.name as "userName", s.stance, s.reason,
      s.function, s.updated_at as "updatedAt"
    from initiative_stances s
      join initiatives i on i.id = s.initiative_id
      join users u on u.id = s.user_id
    where i.workspace_id = ${args.workspaceId}
      ${args.initiativeId ? db`and s.initiative_id = ${args.initiativeId}` : db``}
    order by s.updated_at desc
    limit 10000`
}

/** Records a member's stance on an initiative, replacing their previous one; true when it is new. */
export async function upsertStance(
  db: Db,
  args: { initiativeId: string; userId: string; stance: Stance; reason: string; function: MemberFunction },
) {
  const [row] = await db<[{ inserted: boolean }]>`
    insert into initiative_stances (initiative_id, user_id, stance, reason, function)
    values (${args.initiativeId}, ${args.userId}, ${args.stance}, ${args.reason}, ${args.function})
    on conflict (initiative_id, user_id) do update
      set stance = excluded.stance, reason = excluded.reason, function = excluded.function, updated_at = now()
    returning (xmax = 0) as inserted`
  return row.inserted
}

/** Withdraws a member's stance; true when there was one. */
export async function deleteStance(db: Db, args: { initiativeId: string; userId: string }) {
  const rows = await db`delete from initiative_stances where initiative_id = ${args.initiativeId} and user_id = ${args.userId} returning 1`
  return rows.length > 0
}
