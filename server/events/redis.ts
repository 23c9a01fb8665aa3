import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { log } from '#app/utils/log.ts'
import { bus, type WorkspaceEvent } from '#app/events/bus.ts'

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
  /** Sets `field` of hash `key` and (re)arms the key's expiry; dropped while Redis is down. */
  hashSet(key: string, field: string, value: string, ttlMs: number): void
  hashDelete(key: string, field: string): void
  /** Every field of each hash (one round trip); null for a hash that could not be read (Redis down). */
  hashReadMany(keys: string[]): Promise<(Record<string, string> | null)[]>
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
    hashSet(key, field, value, ttlMs) {
      if (pub.status !== 'ready') return
      pub
        .multi()
        .hset(key, field, value)
        .pexpire(key, ttlMs)
        .exec()
        .catch((e: unknown) => warnOnce('hset', e))
    },
    hashDelete(key, field) {
      if (pub.status !== 'ready') return
      pub.hdel(key, field).catch((e: unknown) => warnOnce('hdel', e))
    },
    async hashReadMany(keys) {
      if (keys.length === 0) return []
      if (pub.status !== 'ready') return keys.map(() => null)
      const pipeline = pub.pipeline()
      for (const key of keys) pipeline.hgetall(key)
      const results = await pipeline.exec().catch(() => null)
      return keys.map((_, i) => {
        const [err, value] = results?.[i] ?? [new Error('no reply'), null]
        return err ? null : ((value as Record<string, string> | null) ?? {})
      })
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
