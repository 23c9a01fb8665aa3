import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { createCollabFixture, startCollabServer, type Fixture, type TestServer } from '#test/collab-helpers.ts'
import { DEFAULT_LIMITS } from './limits.ts'
import { RateGuard } from './rate.ts'

const { messagesPerSecond, messageBurst, rateCreditMs } = DEFAULT_LIMITS

/** Messages sent at `rate`/s for `seconds`, all processed at once at the end (an event-loop stall). */
function replayStall(guard: RateGuard, start: number, rate: number, seconds: number): number {
  let accepted = 0
  const count = Math.round(rate * seconds)
  for (let i = 0; i < count; i++) if (guard.take(start + seconds * 1000)) accepted++
  return accepted
}

describe('RateGuard (wall clock injected)', () => {
  test('honest typing queued during a 5 s stall is all accepted, again and again', () => {
    const guard = new RateGuard(messagesPerSecond, messageBurst, rateCreditMs, 0)
    let t = 0
    for (let stall = 0; stall < 5; stall++) {
      // 80 messages/s (under the 100/s limit) for 5 s = 400 messages, more than the burst.
      expect(replayStall(guard, t, 80, 5)).toBe(400)
      t += 5000
    }
  })

  test('a sustained flood runs dry within about a burst, stall or not', () => {
    const guard = new RateGuard(messagesPerSecond, messageBurst, rateCreditMs, 0)
    // 1,000 messages/s for 5 s processed in one go: 5 s of credit (500) is all it gets.
    expect(replayStall(guard, 0, 1000, 5)).toBe(500)
    const fresh = new RateGuard(10, 20, rateCreditMs, 0)
    let ok = 0
    for (let i = 0; i < 100; i++) if (fresh.take(1)) ok++
    expect(ok).toBe(20)
  })

  test('idle credit is bounded by rateCreditMs', () => {
    const guard = new RateGuard(messagesPerSecond, messageBurst, rateCreditMs, 0)
    let ok = 0
    for (let i = 0; i < 100_000; i++) if (guard.take(3_600_000)) ok++
    expect(ok).toBe((rateCreditMs / 1000) * messagesPerSecond)
  })
})

const db = await useTestDatabase()

describe('a stalled event loop does not close honest clients', () => {
  let server: TestServer
  let fx: Fixture
  beforeAll(async () => {
    server = await startCollabServer(db.sql)
    fx = await createCollabFixture(db.sql)
  })
  afterAll(async () => {
    await server.close()
  })

  test('90 messages/s (under the 100/s limit) from another thread while the server is blocked for 5 s: all answered, no close', async () => {
    const id = await fx.newNarrative()
    // The client runs in a worker thread, so it keeps sending while this thread (the server) is blocked.
    const wsPath = createRequire(import.meta.url).resolve('ws')
    const worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads')
      const WebSocket = require(workerData.wsPath)
      const ws = new WebSocket(workerData.url, { headers: { Cookie: workerData.cookie } })
      let sent = 0, replies = 0, timer = null, stopped = false
      ws.on('message', (data) => { if (data[0] === 1) replies++ })
      ws.on('open', () => {
        parentPort.postMessage({ open: true })
        // Query-awareness (type 3) messages: each is answered with an awareness message.
        timer = setInterval(() => { ws.send(Uint8Array.of(3)); sent++ }, 1000 / 90)
      })
      ws.on('close', (code) => { clearInterval(timer); if (!stopped) parentPort.postMessage({ closed: code, sent, replies }) })
      parentPort.on('message', () => { clearInterval(timer); setTimeout(() => { stopped = true; parentPort.postMessage({ sent, replies, open: ws.readyState === 1 }); ws.terminate() }, 1000) })
      `,
      { eval: true, workerData: { wsPath, url: `${server.url}/${id}`, cookie: fx.editor.cookie } },
    )
    const messages: Record<string, unknown>[] = []
    worker.on('message', (m) => messages.push(m))
    await new Promise<void>((resolve) => worker.once('message', () => resolve()))
    await new Promise((r) => setTimeout(r, 300))
    const until = Date.now() + 5000
    while (Date.now() < until) {
      // The stall: nothing on this thread runs (what a long GC, a big load or an overloaded machine does).
    }
    await new Promise((r) => setTimeout(r, 500))
    worker.postMessage('stop')
    const result = await new Promise<Record<string, unknown>>((resolve) => worker.on('message', (m) => 'sent' in m && resolve(m)))
    await worker.terminate()
    expect(messages.find((m) => 'closed' in m)).toBeUndefined()
    expect(result.open).toBe(true)
    expect(result.sent as number).toBeGreaterThan(messageBurst + 50)
    expect(result.replies).toBe(result.sent)
  })
})
