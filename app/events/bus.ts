import { singleton } from '#db/singleton.ts'

/** Something that changed in a workspace; open pages and sockets react to it. */
export type WorkspaceEvent =
  /** A member's rights may have changed (role, function, removal, signing out): their open sockets and feeds are re-checked. */
  | { type: 'membership.changed'; workspaceId: string; userId: string }
  | { type: 'narrative.changed'; workspaceId: string; narrativeId: string }
  /**
   * Who may read or write changed: a narrative's status (`narrativeId`), or anything of the
   * workspace (a revoked token). Open collaboration sockets it concerns are re-checked.
   */
  | { type: 'access.changed'; workspaceId: string; narrativeId?: string }
  /** Someone opened or left a narrative (collaboration presence). */
  | { type: 'narrative.presence'; workspaceId: string; narrativeId: string }
  /** The tech-stack inventory changed (systems, capabilities, support, integrations, data quality). */
  | { type: 'inventory.changed'; workspaceId: string; systemIds: string[] }
  /** A narrative's requirements or their evaluation changed; `failing` counts those that now fail. */
  | { type: 'feasibility.changed'; workspaceId: string; narrativeId: string; failing: number }
  /** Metric definitions, targets or actuals changed (keys of the metrics touched). */
  | { type: 'metrics.changed'; workspaceId: string; metricKeys: string[] }
  /** A narrative's metric commitments changed. */
  | { type: 'commitments.changed'; workspaceId: string; narrativeId: string }
  /** A comment thread was started, answered, edited, resolved or deleted (on a narrative or an initiative). */
  | { type: 'comments.changed'; workspaceId: string; threadId: string; narrativeId?: string; initiativeId?: string }
  /** A member's inbox changed (new notifications, or some were read). */
  | { type: 'notifications.changed'; workspaceId: string; userId: string }
  /** Roadmap initiatives, their stances or the scoring weights changed. */
  | { type: 'roadmap.changed'; workspaceId: string; initiativeId?: string }
  /** A narrative's review, approvals, versions or acknowledgements changed. */
  | { type: 'review.changed'; workspaceId: string; narrativeId: string }

type Listener = (event: WorkspaceEvent) => void

/**
 * The change bus. In-process for one instance (and always for the embedded database); a Redis
 * transport can be attached for several instances without changing publishers or listeners.
 */
class EventBus {
  private listeners = new Set<Listener>()
  private transport: ((event: WorkspaceEvent) => void) | null = null

  /** Delivers to local listeners and, when attached, to other instances. */
  publish(event: WorkspaceEvent) {
    this.deliver(event)
    this.transport?.(event)
  }

  /** Called by a transport for events that came from another instance. */
  deliver(event: WorkspaceEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (e) {
        console.error('event listener failed', e)
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  attachTransport(send: ((event: WorkspaceEvent) => void) | null) {
    this.transport = send
  }
}

export const bus = singleton('event-bus', () => new EventBus())
