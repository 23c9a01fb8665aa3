import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { singleton } from '#db/singleton.ts'
import { AppError, invalid, serviceUnavailable } from '#app/domain/errors.ts'
import { internalOrigin } from '#app/utils/origins.server.ts'

/** Renders at once; more wait in line, and past the line the answer is a 503 to retry. */
const MAX_RENDERS = 2
const MAX_WAITING = 8
/** The whole render, waiting in line included. */
const RENDER_TIMEOUT_MS = 30_000

/**
 * One Chromium per process, launched on the first export and closed at shutdown. A globalThis
 * singleton: the Remix server build bundles its own copy of this module, and server/index.ts must
 * close the browser that copy launched.
 */
const shared = singleton('pdf-browser', () => ({
  browser: null as Promise<Browser> | null,
  running: 0,
  waiting: [] as (() => void)[],
}))

function browser(): Promise<Browser> {
  shared.browser ??= chromium
    .launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Chromium's sandbox cannot start as root; everywhere else it stays on.
      chromiumSandbox: process.getuid?.() !== 0,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    .then((b) => {
      // A crashed browser is launched again on the next export.
      b.on('disconnected', () => {
        shared.browser = null
      })
      return b
    })
    .catch((e: unknown) => {
      shared.browser = null
      throw e
    })
  return shared.browser
}

async function inLine<T>(run: () => Promise<T>): Promise<T> {
  if (shared.running < MAX_RENDERS) shared.running++
  else if (shared.waiting.length >= MAX_WAITING) throw serviceUnavailable('Too many PDFs are being made right now: try again in a moment')
  else await new Promise<void>((resolve) => shared.waiting.push(resolve))
  try {
    return await run()
  } finally {
    // Hand the slot to the next in line, or free it.
    const next = shared.waiting.shift()
    if (next) next()
    else shared.running--
  }
}

/**
 * Lets the page load only from `origin`: every other request (another host, a redirect anywhere,
 * a websocket, the change feed) is refused. The requester's credentials go to `origin` only,
 * added here rather than as context-wide headers.
 */
async function confine(context: BrowserContext, origin: string, credentials: Record<string, string>) {
  await context.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'No websockets while printing' }))
  await context.route('**/*', async (route) => {
    const request = route.request()
    if (new URL(request.url()).origin !== origin || request.headers().accept === 'text/event-stream') {
      return route.abort('blockedbyclient')
    }
    try {
      // Fetched here, not by the browser, so that a redirect is seen and refused instead of followed.
      const response = await route.fetch({ headers: { ...request.headers(), ...credentials }, maxRedirects: 0 })
      if (response.status() >= 300 && response.status() < 400) return await route.abort('blockedbyclient')
      await route.fulfill({ response })
    } catch {
      await route.abort('failed').catch(() => {})
    }
  })
}

/**
 * Prints `path` of this server to an A4 PDF with its print stylesheet, as the requester sees it:
 * `credentials` carries their Cookie or Authorization header, so the page applies their
 * permissions. The page is opened on the process's own loopback origin (never an origin taken
 * from the request) and can reach nothing else. Any failure is a 503 the client may retry.
 */
export async function renderPdf(
  path: string,
  opts: { credentials: Record<string, string>; javaScript?: boolean; timeoutMs?: number },
): Promise<Buffer> {
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) throw invalid('Not a page of this app')
  const origin = internalOrigin()
  if (!origin) throw serviceUnavailable('PDF export is not available until the server is listening')
  const timeoutMs = opts.timeoutMs ?? RENDER_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  let context: BrowserContext | null = null
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(serviceUnavailable(`The PDF took longer than ${Math.round(timeoutMs / 1000)} s: try again`)), timeoutMs)
  })
  const render = inLine(async () => {
    const b = await browser()
    // The reading view needs no JavaScript; pages with charts (measured in the browser) ask for it.
    const own = await b.newContext({ javaScriptEnabled: opts.javaScript ?? false, serviceWorkers: 'block' })
    context = own
    try {
      if (Date.now() >= deadline) throw serviceUnavailable('The PDF waited too long in line: try again')
      await confine(own, origin, opts.credentials)
      // Bounded here too: a call into a context closed under it has been seen never to settle, and
      // the slot must come free whatever Chromium does.
      return await within(printPage(own, new URL(path, origin), { javaScript: opts.javaScript ?? false, deadline }), deadline - Date.now())
    } finally {
      await within(closeContext(own), 5_000).catch(() => {})
    }
  })
  try {
    return await Promise.race([render, timedOut])
  } catch (e) {
    if (e instanceof AppError) throw e
    throw serviceUnavailable('The PDF could not be made right now: try again in a moment')
  } finally {
    clearTimeout(timer)
    render.catch(() => {})
    // On a time-out the render is still running: closing its context ends it.
    const running = context as BrowserContext | null
    if (running) await within(closeContext(running), 5_000).catch(() => {})
  }
}

/** `promise`, or a 503 once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(serviceUnavailable('The PDF took too long: try again')), Math.max(0, ms))
  })
  promise.catch(() => {})
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/**
 * Closes a render's context without waiting for its route handlers: one may be awaiting a fetch
 * that the closing context will never answer, and a close that waits for it never returns (the
 * render would hold its slot for good — seen in tests after a time-out).
 */
async function closeContext(context: BrowserContext) {
  await context.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => {})
  await context.close().catch(() => {})
}

async function printPage(context: BrowserContext, url: URL, opts: { javaScript: boolean; deadline: number }): Promise<Buffer> {
  const page = await context.newPage()
  const response = await page.goto(url.toString(), {
    waitUntil: opts.javaScript ? 'networkidle' : 'load',
    timeout: Math.max(1, opts.deadline - Date.now()),
  })
  if (!response?.ok()) throw serviceUnavailable(`Printing ${url.pathname} answered ${response?.status() ?? 'nothing'}`)
  await page.emulateMedia({ media: 'print' })
  return page.pdf({
    format: 'A4',
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate:
      '<div style="width:100%;text-align:center;font-size:9px;color:#5f6b7a">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    margin: { top: '18mm', bottom: '20mm', left: '16mm', right: '16mm' },
  })
}

/** The credentials that let the PDF browser see the page as the requester does. */
export function forwardedAuth(request: Request): Record<string, string> {
  const headers: Record<string, string> = {}
  const cookie = request.headers.get('Cookie')
  const authorization = request.headers.get('Authorization')
  if (cookie) headers.cookie = cookie
  if (authorization) headers.authorization = authorization
  return headers
}

/** Renders printing now and waiting in line (for operators' figures, and tests that need a quiet renderer). */
export function pdfRenders(): { running: number; waiting: number } {
  return { running: shared.running, waiting: shared.waiting.length }
}

/** Closes the shared browser (server shutdown). */
export async function closePdfBrowser(): Promise<void> {
  const pending = shared.browser
  shared.browser = null
  if (pending) await (await pending.catch(() => null))?.close().catch(() => {})
}
