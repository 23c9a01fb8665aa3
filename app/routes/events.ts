import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireActor } from '#app/utils/auth.server.ts'
import { bus, type WorkspaceEvent } from '#app/events/bus.ts'

const HEARTBEAT_MS = 25_000

/**
 * GET /events — the workspace change feed (Server-Sent Events). Open pages listen and refresh
 * what changed (comments, statuses, lists) without a reload. Only events of the signed-in
 * member's current workspace are sent; a removed member's stream ends.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  const encoder = new TextEncoder()
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk))
        } catch {
          cleanup()
        }
      }
      send(`retry: 3000\n\n`)
      const unsubscribe = bus.subscribe((event: WorkspaceEvent) => {
        if (event.workspaceId !== actor.workspaceId) return
        if (event.type === 'membership.changed' && event.userId === actor.userId) {
          // Their rights changed: end the stream; the page reconnects and is checked again.
          send(`event: membership\ndata: {}\n\n`)
          cleanup()
          return
        }
        send(`event: change\ndata: ${JSON.stringify(event)}\n\n`)
      })
      const heartbeat = setInterval(() => send(`: keep-alive\n\n`), HEARTBEAT_MS)
      cleanup = () => {
        cleanup = () => {}
        clearInterval(heartbeat)
        unsubscribe()
        try {
          controller.close()
        } catch {
          /* already closed */
        }
      }
      request.signal.addEventListener('abort', () => cleanup())
    },
    cancel() {
      cleanup()
    },
  })
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  })
}
