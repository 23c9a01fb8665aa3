/**
 * `npm run start:cluster` — several Accord instances behind a tiny load balancer, for local trials
 * of the multi-instance setup (production uses a real load balancer; see the README).
 *
 * Env: CLUSTER_INSTANCES (default 2), PORT (the balancer, default 3000; instances listen on
 * PORT+1…PORT+N), DATABASE_URL (required: a real PostgreSQL) and REDIS_URL (default
 * redis://127.0.0.1:6379). Requests for a narrative (`/collab/<id>` upgrades and
 * `/narratives/<id>…` pages) go to the instance chosen by a hash of the narrative id, so one
 * document is usually held by one instance; everything else is spread round-robin. An instance
 * that is down is skipped (the next one takes its documents; Redis keeps them in step).
 */
import http from 'node:http'
import net from 'node:net'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'

const count = Math.max(1, Number(process.env.CLUSTER_INSTANCES ?? 2))
const port = Number(process.env.PORT ?? 3000)
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
if (!process.env.DATABASE_URL) {
  console.error('accord cluster: set DATABASE_URL (several instances need a real PostgreSQL, not the embedded database)')
  process.exit(1)
}

const instances = Array.from({ length: count }, (_, i) => ({ port: port + 1 + i, up: false, child: null as ChildProcess | null }))
let stopping = false

function startInstance(i: number) {
  const inst = instances[i]!
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    // The balancer is the instances' proxy: they believe its X-Forwarded-For, and links name it.
    env: {
      ...process.env,
      PORT: String(inst.port),
      REDIS_URL: redisUrl,
      TRUST_PROXY: 'loopback',
      APP_URL: process.env.APP_URL ?? `http://localhost:${port}`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  inst.child = child
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString()
    if (text.includes('listening on') && !inst.up) {
      inst.up = true
      // The first instance applies the migrations; the others start once it listens.
      if (i === 0) for (let k = 1; k < count; k++) if (!instances[k]!.child) startInstance(k)
    }
    process.stdout.write(text.replace(/^(?=.)/gm, `[${inst.port}] `))
  })
  child.on('exit', (code, signal) => {
    inst.up = false
    if (stopping) return
    console.error(`accord cluster: instance on ${inst.port} exited (${code ?? signal}); restarting in 1 s`)
    setTimeout(() => startInstance(i), 1000)
  })
}

const NARRATIVE = /^\/(?:collab|narratives)\/([0-9a-f-]{36})/i
let rr = 0
/** The instance for a request path: by narrative id when there is one, else round-robin; skips instances that are down. */
function pick(path: string): (typeof instances)[number] | null {
  const id = NARRATIVE.exec(path)?.[1]
  const start = id ? createHash('sha1').update(id.toLowerCase()).digest().readUInt32BE(0) % count : rr++ % count
  for (let k = 0; k < count; k++) {
    const inst = instances[(start + k) % count]!
    if (inst.up) return inst
  }
  return null
}

/** The client's headers with X-Forwarded-* set by us: a client's own are not passed on as if we had vouched for them. */
function forwardedHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const { 'x-forwarded-for': _for, 'x-forwarded-host': _host, 'x-forwarded-proto': _proto, forwarded: _fwd, ...headers } = req.headers
  return { ...headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' }
}

const balancer = http.createServer((req, res) => {
  const inst = pick(req.url ?? '/')
  if (!inst) return void res.writeHead(503, { 'Retry-After': '1' }).end('No instance is up yet')
  const upstream = http.request(
    { host: '127.0.0.1', port: inst.port, method: req.method, path: req.url, headers: forwardedHeaders(req) },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    },
  )
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end('Upstream failed')
    else res.destroy()
  })
  req.pipe(upstream)
})

// Websocket upgrades: replay the request head to the instance, then splice the two sockets.
balancer.on('upgrade', (req, socket, head) => {
  const inst = pick(req.url ?? '/')
  if (!inst) return void socket.destroy()
  const upstream = net.connect(inst.port, '127.0.0.1', () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`]
    for (const [name, value] of Object.entries(forwardedHeaders(req)))
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) lines.push(`${name}: ${String(v)}`)
    upstream.write(lines.join('\r\n') + '\r\n\r\n')
    if (head.length) upstream.write(head)
    upstream.pipe(socket)
    socket.pipe(upstream)
  })
  const close = () => {
    upstream.destroy()
    socket.destroy()
  }
  upstream.on('error', close)
  socket.on('error', close)
  upstream.on('close', close)
  socket.on('close', close)
})

startInstance(0)
balancer.listen(port, () =>
  console.log(`accord cluster: ${count} instance(s) on ${port + 1}-${port + count}, balancer on http://localhost:${port}`),
)

const shutdown = () => {
  stopping = true
  balancer.close()
  for (const inst of instances) inst.child?.kill('SIGTERM')
  setTimeout(() => process.exit(0), 12_000).unref()
  Promise.all(
    instances.map((inst) => new Promise((r) => (!inst.child || inst.child.exitCode !== null ? r(null) : inst.child.once('exit', r)))),
  ).then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
