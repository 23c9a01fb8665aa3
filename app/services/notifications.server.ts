import { getSql } from '#db/client.ts'
import * as notifications from '#db/queries/notifications.ts'
import type { NotificationInsert } from '#db/queries/notifications.ts'
import type { Db } from '#db/client.ts'
import type { Keyset } from '#db/queries/api-conventions.ts'
import type { Actor } from '#app/domain/policies.ts'
import { bus } from '#app/events/bus.ts'

export interface NotificationView {
  id: string
  kind: 'mention' | 'reply' | 'stance' | 'feasibility' | 'review'
  actorName: string | null
  excerpt: string
  createdAt: string
  read: boolean
  /** Where it happened, with a link for the inbox. */
  target: { kind: 'narrative' | 'initiative'; id: string; title: string; href: string } | null
}

/** Writes notifications (never to the actor themself) and tells each recipient's open pages. */
export async function notify(db: Db, rows: NotificationInsert[]) {
  const kept = rows.filter((r) => r.userId !== r.actorId)
  await notifications.insertNotifications(db, kept)
  return () => {
    for (const userId of new Set(kept.map((r) => r.userId))) {
      bus.publish({ type: 'notifications.changed', workspaceId: kept[0]!.workspaceId, userId })
    }
  }
}

/** The signed-in member's inbox in their current workspace, newest first. */
export async function listNotificationsFor(
  actor: Actor,
  opts: { unreadOnly?: boolean; page?: Keyset } = {},
): Promise<(NotificationView & { sortMicros: string })[]> {
  const rows = await notifications.listNotifications(
    getSql(),
    { userId: actor.userId, workspaceId: actor.workspaceId, unreadOnly: opts.unreadOnly },
    opts.page,
  )
  return rows.map((r) => ({
    sortMicros: r.sortMicros,
    id: r.id,
    kind: r.kind,
    actorName: r.actorName,
    excerpt: r.excerpt,
    createdAt: r.createdAt.toISOString(),
    read: r.readAt !== null,
    target:
      r.narrativeId && r.narrativeTitle !== null
        ? {
            kind: 'narrative',
            id: r.narrativeId,
            title: r.narrativeTitle,
            href: `/narratives/${r.narrativeId}${r.threadId ? `?thread=${r.threadId}` : ''}`,
          }
        : r.initiativeId && r.initiativeTitle !== null
          ? { kind: 'initiative', id: r.initiativeId, title: r.initiativeTitle, href: `/roadmap/${r.initiativeId}` }
          : null,
  }))
}

/** How many unread notifications the member has in their current workspace. */
export async function countUnreadFor(actor: Actor) {
  return notifications.countUnread(getSql(), { userId: actor.userId, workspaceId: actor.workspaceId })
}

/** Marks the given notifications (or all) read; other tabs of the member update live. */
export async function markNotificationsRead(actor: Actor, ids?: string[]) {
  const changed = await notifications.markRead(getSql(), { userId: actor.userId, workspaceId: actor.workspaceId, ids })
  if (changed > 0) bus.publish({ type: 'notifications.changed', workspaceId: actor.workspaceId, userId: actor.userId })
  return changed
}
