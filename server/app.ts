import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import express, { type Request, type Response, type NextFunction } from 'express'
import helmet from 'helmet'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import type { Sql } from '#db/client.ts'
import { configureOrigins } from '#app/utils/origins.server.ts'
import { configureApiRateLimit, DEFAULT_API_RATE_LIMIT, type RateLimitConfig } from '#app/utils/rate-limit.server.ts'

const BUILD_PATH = path.resolve('build/index.js')

/** Loads the Remix build; in development a changed build is re-imported on the next request. */
function buildLoader(dev: boolean): () => Promise<ServerBuild> {
  if (!dev) {
    let build: Promise<ServerBuild> | null = null
    return () => (build ??= import(pathToFileURL(BUILD_PATH).href) as Promise<ServerBuild>)
  }
  return () => {
    const version = existsSync(BUILD_PATH) ? statSync(BUILD_PATH).mtimeMs : 0
    return import(`${pathToFileURL(BUILD_PATH).href}?v=${version}`) as Promise<ServerBuild>
  }
}

/** The origin the app is served from, for comparing with a browser's Origin header. */
export function ownOrigin(req: { protocol: string; get(name: string): string | undefined }, appUrl?: string) {
  if (appUrl) return new URL(appUrl).origin
  return `${req.protocol}://${req.get('host') ?? ''}`
}

/**
 * Refuses cross-site mutations: a browser always sends Origin on POST/PUT/PATCH/DELETE, so a
 * foreign one is a forged request. Clients without Origin (curl, API tokens) are not browsers.
 */
function sameOriginMutations(appUrl?: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
    const origin = req.get('origin')
    const site = req.get('sec-fetch-site')
    if ((origin && origin !== ownOrigin(req, appUrl)) || site === 'cross-site') {
      res.status(403).type('application/problem+json').json({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: 'Cross-site request refused',
      })
      return
    }
    next()
  }
}

/** The most of an unread request body that is read and discarded after the answer (imports take 5 MiB). */
export const MAX_DRAINED_BODY_BYTES = 16 * 1024 * 1024

/**
 * Handlers answer before reading the whole body when they can (413 by Content-Length, 401, 404,
 * 405). Node then leaves the rest of the body paused on the keep-alive connection: the client's
 * upload stalls until the idle timeout resets the socket, so it never sees the answer (and the
 * next request sent on that connection fails too). Once the answer is sent, the rest of the body
 * is read and discarded, as Node does for bodies nobody started reading; past the bound the
 * connection is closed instead.
 */
function drainUnreadBodies(req: Request, res: Response, next: NextFunction) {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return
    let left = MAX_DRAINED_BODY_BYTES
    // Remix's body stream listens for data it will never read: drop it, then discard the rest.
    req.removeAllListeners('data')
    req.on('data', (chunk: Buffer) => {
      left -= chunk.length
      if (left < 0) req.socket.destroy()
    })
    req.resume()
  })
  next()
}

/**
 * Drops X-Forwarded-* unless the peer is a configured proxy. Express already ignores them for
 * req.ip and req.protocol, but Remix's adapter takes the port of X-Forwarded-Host from anyone.
 */
function untrustedForwardingHeaders(trusted: (address: string, hop: number) => boolean) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!trusted(req.socket.remoteAddress ?? '', 0)) {
      delete req.headers['x-forwarded-host']
      delete req.headers['x-forwarded-proto']
      delete req.headers['x-forwarded-for']
    }
    next()
  }
}

/**
 * Tells the app its origins once the server listens: APP_URL (else http://localhost:PORT) for
 * public links, and the listening address on loopback for the server's own PDF browser.
 */
export function announceOrigins(server: http.Server, appUrl?: string) {
  const address = server.address() as AddressInfo
  const unspecified = address.address === '0.0.0.0' || address.address === '::'
  const host = unspecified ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  configureOrigins({ public: appUrl ?? `http://localhost:${address.port}`, internal: `http://${host}:${address.port}` })
}

export interface AppOptions {
  sql: Sql
  dev: boolean
  appUrl?: string
  /** Proxies whose X-Forwarded-* headers are believed (Express "trust proxy" list); none by default. */
  trustProxy?: string[]
  /** Per-token API rate limit (default 600/min, burst 120); false turns it off (test suites). */
  apiRateLimit?: RateLimitConfig | false
}

/** Express with security headers, health check, static files and the Remix handler. */
export function createApp(opts: AppOptions) {
  const app = express()
  app.disable('x-powered-by')
  configureApiRateLimit(opts.apiRateLimit === false ? null : (opts.apiRateLimit ?? DEFAULT_API_RATE_LIMIT))
  app.set('trust proxy', opts.trustProxy?.length ? opts.trustProxy : false)

  app.use(untrustedForwardingHeaders(app.get('trust proxy fn') as (address: string, hop: number) => boolean))
  app.use(drainUnreadBodies)
  app.use((req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64')
    next()
  })
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
          // Lexical and Radix position elements with style attributes.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      // Not helmet's default "no-referrer": under it browsers send `Origin: null` on same-origin
      // form posts (before hydration or without JavaScript), which the Origin check must refuse.
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: opts.dev ? false : { maxAge: 15552000, includeSubDomains: true },
    }),
  )

  app.get('/healthz', async (_req, res) => {
    try {
      await Promise.race([opts.sql`select 1`, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))])
      res.json({ ok: true })
    } catch {
      res.status(503).json({ ok: false, error: 'database unavailable' })
    }
  })

  app.use(sameOriginMutations(opts.appUrl))

  // Browsers ask for /favicon.ico whatever the page declares; answer it without a Remix 404.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'))
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  app.use(express.static('public', { maxAge: '1h' }))

  // Passed to services for throttling; set here so a client cannot spoof it.
  app.use((req, _res, next) => {
    req.headers['x-accord-client-ip'] = req.ip ?? 'unknown'
    next()
  })

  const build = buildLoader(opts.dev)
  app.get('/read/:id', readingViewFastPath(build))

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: opts.dev ? 'development' : 'production',
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  )
  return app
}

/**
 * GET /read/:id straight to the route's own loader (the same session, policy and queries), without
 * Remix's per-request route matching over every route, which costs more than the page itself under
 * load (docs/benchmarks.md, reading view). Only a 200 or 304 is answered here; anything else
 * (sign-in redirect, 404, errors, `?_data` requests) falls through to Remix, which runs the loader
 * again and answers exactly as it always does.
 */
function readingViewFastPath(build: () => Promise<ServerBuild>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const extra = Object.keys(req.query).some((k) => k !== 'v')
    if (req.method !== 'GET' || extra) return next()
    try {
      const route = (await build()).routes['routes/read.$id']
      if (!route?.module.loader) return next()
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value)
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
      }
      const request = new globalThis.Request(`${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`, { headers })
      const result: unknown = await route.module.loader({
        request,
        params: { id: req.params.id },
        context: { cspNonce: res.locals.cspNonce as string },
      })
      if (!(result instanceof globalThis.Response) || (result.status !== 200 && result.status !== 304)) return next()
      res.status(result.status)
      result.headers.forEach((value, name) => res.setHeader(name, value))
      res.end(result.body ? Buffer.from(await result.arrayBuffer()) : undefined)
    } catch {
      next()
    }
  }
}
