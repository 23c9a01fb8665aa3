/**
 * Helpers for route tests: call a Remix loader/action directly with a real `Request`, or start the
 * real Express app (server/app.ts) with the built Remix handler on port 0 and talk HTTP to it.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import type { Sql } from '#db/client.ts'
import { announceOrigins, createApp } from '#server/app.ts'
import type { RateLimitConfig } from '#app/utils/rate-limit.server.ts'

// --- direct calls ---------------------------------------------------------------------------

export interface CallOptions {
  method?: string
  cookie?: string
  params?: Record<string, string>
  /** Form fields (sent as application/x-www-form-urlencoded). */
  form?: Record<string, string>
  /** A JSON body. */
  json?: unknown
  headers?: Record<string, string>
}

function requestFor(url: string, opts: CallOptions): Request {
  const headers = new Headers(opts.headers)
  if (opts.cookie) headers.set('Cookie', opts.cookie)
  let body: string | undefined
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString()
    headers.set('Content-Type', 'application/x-www-form-urlencoded')
  } else if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers.set('Content-Type', 'application/json')
  }
  const method = opts.method ?? (body === undefined ? 'GET' : 'POST')
  return new Request(new URL(url, 'http://localhost'), { method, headers, body })
}

/**
 * Runs a loader or action with a real Request and returns its Response, whether it was returned
 * or thrown (Remix treats a thrown Response as the answer: redirects, 403s, 404s).
 */
export async function callRoute(
  fn: (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown,
  url: string,
  opts: CallOptions = {},
): Promise<Response> {
  try {
    const result = await fn({ request: requestFor(url, opts), params: opts.params ?? {}, context: {} })
    if (result instanceof Response) return result
    return new Response(JSON.stringify(result ?? null), { status: 200, headers: { 'Content-Type': 'application/json' } })
  } catch (e) {
    if (e instanceof Response) return e
    throw e
  }
}

// --- the real HTTP app --------------------------------------------------------------------------

const BUILD = path.resolve('build/index.js')

/**
 * Why the Remix build cannot be used as it is, or null when it is fresh. The server build bundles
 * the route modules only (they import `#app/*` sources at run time), so it is stale when a route
 * file is newer than the build or missing from it.
 */
function buildProblem(): string | null {
  const metafile = path.resolve('build/metafile.server.json')
  if (!existsSync(BUILD) || !existsSync(metafile)) return 'there is no build in build/'
  const built = statSync(BUILD).mtimeMs
  const inputs = Object.keys((JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> }).inputs)
  const routes = readdirSync(path.resolve('app/routes'))
    .filter((f) => !f.startsWith('.') && !/\.test\.tsx?$/.test(f))
    .map((f) => `app/routes/${f}`)
  const missing = routes.filter((r) => !inputs.includes(r))
  const newer = [...inputs, ...routes].filter((f) => f.startsWith('app/') && existsSync(f) && statSync(f).mtimeMs > built + 1000)
  return missing.length || newer.length ? `the build is older than ${[...missing, ...newer].slice(0, 3).join(', ')}` : null
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Makes sure build/ holds a fresh Remix build, running `remix build` when it is missing or stale
 * (`npm test` runs vitest before the e2e build). Test files run in parallel processes: one builds
 * under a lock directory, the others wait for it.
 */
export async function ensureFreshBuild() {
  if (!buildProblem()) return
  const lock = path.join(tmpdir(), `accord-remix-build-${createHash('sha1').update(process.cwd()).digest('hex').slice(0, 12)}.lock`)
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Someone else is building; a lock older than 3 minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`Waited too long for another process to build the Remix app (lock ${lock})`)
      await sleep(250)
    }
  }
  try {
    const problem = buildProblem()
    if (!problem) return
    const result = spawnSync(process.execPath, [path.resolve('node_modules/@remix-run/dev/dist/cli.js'), 'build'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    })
    if (result.status !== 0) {
      throw new Error(
        `\`remix build\` failed (${problem}):\n${`${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-20).join('\n')}`,
      )
    }
    const after = buildProblem()
    if (after) throw new Error(`After \`remix build\`, ${after}`)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export interface FetchOptions extends Omit<RequestInit, 'body' | 'headers'> {
  headers?: Record<string, string>
  cookie?: string
  /** A Bearer API token. */
  token?: string
  form?: Record<string, string>
  json?: unknown
  body?: string
  /** Send `Origin` as a same-origin browser would (default for form posts). */
  sameOrigin?: boolean
}

export interface RunningApp {
  origin: string
  /** fetch against the app; redirects are not followed. */
  fetch: (pathname: string, opts?: FetchOptions) => Promise<Response>
  close: () => Promise<void>
}

/** Starts createApp() with the built Remix handler on a free port, using `sql` for /healthz. */
export async function startApp(opts: {
  sql: Sql
  appUrl?: string
  trustProxy?: string[]
  apiRateLimit?: RateLimitConfig
}): Promise<RunningApp> {
  await ensureFreshBuild()
  // Unthrottled unless a test asks: the matrix and bad-input suites send thousands of requests with one token.
  const app = createApp({
    sql: opts.sql,
    dev: false,
    appUrl: opts.appUrl,
    trustProxy: opts.trustProxy,
    apiRateLimit: opts.apiRateLimit ?? false,
  })
  const server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  announceOrigins(server, opts.appUrl)
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    fetch: (pathname, o = {}) => {
      const headers: Record<string, string> = { ...o.headers }
      if (o.cookie) headers.Cookie = o.cookie
      if (o.token) headers.Authorization = `Bearer ${o.token}`
      let body = o.body
      if (o.form) {
        body = new URLSearchParams(o.form).toString()
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded'
      } else if (o.json !== undefined) {
        body = JSON.stringify(o.json)
        headers['Content-Type'] ??= 'application/json'
      }
      if (o.sameOrigin ?? Boolean(o.form)) headers.Origin ??= origin
      const method = o.method ?? (body === undefined ? 'GET' : 'POST')
      return fetch(origin + pathname, { ...o, method, headers, body, redirect: 'manual' })
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** `302 /login` for a redirect (the Location's path), else the status as a number. */
export function outcome(res: Response): number | string {
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('Location') ?? ''
    return `${res.status} ${new URL(location, 'http://x').pathname}`
  }
  return res.status
}
