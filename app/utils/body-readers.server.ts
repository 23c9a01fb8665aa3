/**
 * Request-body readers of the import pages and form routes, moved out of the services (a use case
 * takes text and values, never a Request). They sit beside `readForm` / `readJson` of
 * http.server.ts until the body readers become one set with one size rule each.
 */
import { json } from '@remix-run/node'
import { invalid, tooLarge } from '#app/domain/errors.ts'
import { IMPORT_MAX_BYTES } from '#app/domain/csv.ts'

/**
 * Reads an upload as UTF-8 text with a byte limit: 413 when it is larger, 400 when it is not
 * text (NUL bytes, invalid UTF-8). The body is counted while it streams, not trusted from headers.
 */
export async function readCsvBody(request: Request, maxBytes = IMPORT_MAX_BYTES): Promise<string> {
  const tooBig = () =>
    tooLarge(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files and import them one by one.`)
  const declared = Number(request.headers.get('Content-Length') ?? 0)
  if (declared > maxBytes) throw tooBig()
  if (!request.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooBig()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  return decodeCsvBytes(bytes)
}

/** UTF-8 text or a 400 that says why not. */
export function decodeCsvBytes(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    throw invalid(`This is not a CSV text file: it contains binary data (byte ${nul + 1}). Export the sheet as CSV (UTF-8) and try again.`)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw invalid('This file is not UTF-8 text. Export the sheet as “CSV UTF-8” and try again.')
  }
}

/** Form fields with repeated keys (checkbox groups) as arrays. */
export async function readFormValues(request: Request, maxBytes = 256 * 1024): Promise<Record<string, string | string[]>> {
  // Called from routes before any error mapping: refusals are thrown Responses, never a 500.
  if (Number(request.headers.get('Content-Length') ?? 0) > maxBytes) throw json({ message: 'The form is too large' }, { status: 413 })
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    throw json({ message: 'The form could not be read' }, { status: 400 })
  }
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === 'string')
    out[key] = all.length > 1 ? all : (all[0] ?? '')
  }
  return out
}

/** Reads a text body (CSV) with a size limit. */
export async function readTextBody(request: Request, maxBytes = IMPORT_MAX_BYTES): Promise<string> {
  const length = Number(request.headers.get('Content-Length') ?? 0)
  if (length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`)
  const text = await request.text()
  if (text.length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`)
  return text
}
