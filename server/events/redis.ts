import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { log } from '#server/log.ts'
import { bus, type WorkspaceEvent } from './bus.ts'

/**
 * Redis pub/sub between instances (REDIS_URL). Two connections: one publishes, one subscribes.
 * Every message carries the sender's instance id, so an instance ignores its own. Publishing never
 * waits or queues: while Redis is down a publish is dropped, and whoever depends on it catches up
 * when the subscription is back (`onResubscribed`: documents re-read their update log).
 */
export interface RedisLink {
  readonly instanceId: Buffer
  publish(channel: string, payload: Uint8Array): void
  /** Resolves once Redis confirmed the subscription (or immediately while Redis is down: it resubscribes itself). */
  subscribe(channel: string, onMessage: (payload: Buffer) => void): Promise<void>
  unsubscribe(channel: string): void
  /** Called after the subscriber connection came back from an outage (not on the first connect). */
  onResubscribed(listener: () => void): () => void
  close(): Promise<void>
}

const INSTANCE_ID_BYTES = 16
const BUS_CHANNEL = 'accord:bus'

export function connectRedis(url: string): RedisLink {
  const instanceId = randomBytes(INSTANCE_ID_BYTES)
  const options = {
    // Never block or buffer callers while Redis is away: the catch-up covers what was missed.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    lazyConnect: false,
  }
  const pub = new Redis(url, { ...options, connectionName: 'accord-pub' })
  // The subscriber must queue its SUBSCRIBE commands until connected (ioredis resubscribes by itself).
  const sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'accord-sub' })
  const handlers = new Map<string, (payload: Buffer) => void>()
  const resubscribed = new Set<() => void>()
  let everReady = false
  let down = false
  const warnOnce = (what: string, e: unknown) => {
    if (down) return
    down = true
    log.warn(`redis: ${what}: ${e instanceof Error ? e.message : String(e)} (instances are not exchanging updates until it is back)`)
  }
  pub.on('error', (e) => warnOnce('publisher', e))
  sub.on('error', (e) => warnOnce('subscriber', e))
  sub.on('ready', () => {
    if (everReady) {
      log.info('redis: subscriber reconnected; catching up from the update log')
      down = false
      for (const listener of resubscribed) {
        try {
          listener()
        } catch (e) {
          log.warn(`redis: catch-up failed: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
    }
    everReady = true
  })
  sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    if (message.byteLength < INSTANCE_ID_BYTES || instanceId.equals(message.subarray(0, INSTANCE_ID_BYTES))) return
    handlers.get(channel.toString())?.(message.subarray(INSTANCE_ID_BYTES))
  })

  return {
    instanceId,
    publish(channel, payload) {
      if (pub.status !== 'ready') return
      pub.publish(channel, Buffer.concat([instanceId, payload])).catch((e: unknown) => warnOnce('publish', e))
    },
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage)
      if (sub.status !== 'ready') {
        void sub.subscribe(channel).catch(() => {})
        return
      }
      await sub.subscribe(channel).catch((e: unknown) => warnOnce('subscribe', e))
    },
    unsubscribe(channel) {
      handlers.delete(channel)
      void sub.unsubscribe(channel).catch(() => {})
    },
    onResubscribed(listener) {
      resubscribed.add(listener)
      return () => resubscribed.delete(listener)
    },
    async close() {
      handlers.clear()
      resubscribed.clear()
      pub.disconnect()
      sub.disconnect()
    },
  }
}

/** Sends the workspace change bus over Redis: events published here reach listeners on every instance. */
export async function attachBusToRedis(link: RedisLink): Promise<void> {
  await link.subscribe(BUS_CHANNEL, (payload) => {
    try {
      bus.deliver(JSON.parse(payload.toString()) as WorkspaceEvent)
    } catch {
      // Not ours or not JSON: ignore.
    }
  })
  bus.attachTransport((event) => link.publish(BUS_CHANNEL, Buffer.from(JSON.stringify(event))))
}
