/**
 * Helpers for route tests: call a Remix loader/action directly with a real `Request`, or start the
 * real Express app (server/app.ts) with the built Remix handler on port 0 and talk HTTP to it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import type { Sql } from '#db/client.ts'
import { createApp } from '#server/app.ts'

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
 * Fails fast, with what to do, when the Remix build is missing or stale. The server build bundles
 * the route modules only (they import `#app/*` sources at run time), so it is stale when a route
 * file is newer than the build or missing from it.
 */
export function assertFreshBuild() {
  const metafile = path.resolve('build/metafile.server.json')
  if (!existsSync(BUILD) || !existsSync(metafile)) throw new Error('No Remix build in build/: run `npx remix build` before the HTTP tests')
  const built = statSync(BUILD).mtimeMs
  const inputs = Object.keys((JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> }).inputs)
  const routes = readdirSync(path.resolve('app/routes'))
    .filter((f) => !f.startsWith('.') && !/\.test\.tsx?$/.test(f))
    .map((f) => `app/routes/${f}`)
  const missing = routes.filter((r) => !inputs.includes(r))
  const newer = [...inputs, ...routes].filter((f) => f.startsWith('app/') && existsSync(f) && statSync(f).mtimeMs > built + 1000)
  if (missing.length || newer.length) {
    throw new Error(
      `The Remix build is stale (${[...missing, ...newer].slice(0, 3).join(', ')}): run \`npx remix build\` before the HTTP tests`,
    )
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
export async function startApp(opts: { sql: Sql; appUrl?: string }): Promise<RunningApp> {
  assertFreshBuild()
  const app = createApp({ sql: opts.sql, dev: false, appUrl: opts.appUrl })
  const server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
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
