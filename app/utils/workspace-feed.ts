import { z } from 'zod'

/** A change on the workspace feed (/events); unknown fields are kept for filters that need them. */
export const ChangeEventSchema = z.looseObject({
  type: z.string(),
  workspaceId: z.string(),
  narrativeId: z.string().optional(),
})
export type ChangeEvent = z.infer<typeof ChangeEventSchema>

export type FeedMessage = { kind: 'change'; event: ChangeEvent } | { kind: 'membership' }

/**
 * One EventSource per tab, shared by every component that listens. A browser allows six HTTP/1.1
 * connections per host for all of a profile's tabs; one stream per listener (layout + page) ran
 * out of them at the third tab, and every further request of the site then waited.
 */
const listeners = new Set<(message: FeedMessage) => void>()
let source: EventSource | null = null

function open() {
  const es = new EventSource('/events')
  es.addEventListener('change', (message) => {
    let data: unknown
    try {
      data = JSON.parse((message as MessageEvent<string>).data)
    } catch {
      return
    }
    const parsed = ChangeEventSchema.safeParse(data)
    if (!parsed.success) return
    for (const listener of [...listeners]) listener({ kind: 'change', event: parsed.data })
  })
  es.addEventListener('membership', () => {
    for (const listener of [...listeners]) listener({ kind: 'membership' })
  })
  return es
}

/** Listens to the feed; the stream opens with the first listener and closes with the last. */
export function subscribeToWorkspaceFeed(listener: (message: FeedMessage) => void): () => void {
  listeners.add(listener)
  source ??= open()
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && source) {
      source.close()
      source = null
    }
  }
}
