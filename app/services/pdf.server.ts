import { chromium, type Browser } from 'playwright-core'
import { singleton } from '#db/singleton.ts'

/**
 * One Chromium per process, launched on the first export and closed at shutdown. A globalThis
 * singleton: the Remix server build bundles its own copy of this module, and server/index.ts must
 * close the browser that copy launched.
 */
const shared = singleton('pdf-browser', () => ({ browser: null as Promise<Browser> | null }))

function browser(): Promise<Browser> {
  shared.browser ??= chromium
    .launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
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

/**
 * Renders a page of this server to an A4 PDF with its print stylesheet, as the requester sees it:
 * `headers` carries their Cookie (or Authorization) header, so the page applies their permissions.
 */
export async function renderPdf(
  url: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number; javaScript?: boolean } = {},
): Promise<Buffer> {
  const b = await browser()
  // The reading view needs no JavaScript; pages with charts (measured in the browser) ask for it.
  const context = await b.newContext({ extraHTTPHeaders: opts.headers ?? {}, javaScriptEnabled: opts.javaScript ?? false })
  try {
    const page = await context.newPage()
    const response = await page.goto(url, { waitUntil: opts.javaScript ? 'networkidle' : 'load', timeout: opts.timeoutMs ?? 20_000 })
    if (!response || !response.ok())
      throw new Error(`rendering ${new URL(url).pathname} for the PDF answered ${response?.status() ?? 'nothing'}`)
    await page.emulateMedia({ media: 'print' })
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="width:100%;text-align:center;font-size:9px;color:#5f6b7a">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
      margin: { top: '18mm', bottom: '20mm', left: '16mm', right: '16mm' },
    })
  } finally {
    await context.close().catch(() => {})
  }
}

/** The headers that let the PDF browser see the page as the requester does. */
export function forwardedAuth(request: Request): Record<string, string> {
  const headers: Record<string, string> = {}
  const cookie = request.headers.get('Cookie')
  const authorization = request.headers.get('Authorization')
  if (cookie) headers.Cookie = cookie
  if (authorization) headers.Authorization = authorization
  return headers
}

/** A PDF response for download. */
export function pdfResponse(pdf: Buffer, filename: string): Response {
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]+/g, '-')}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}

/** Closes the shared browser (server shutdown). */
export async function closePdfBrowser(): Promise<void> {
  const pending = shared.browser
  shared.browser = null
  if (pending) await (await pending.catch(() => null))?.close().catch(() => {})
}
