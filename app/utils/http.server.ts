import { json } from '@remix-run/node'
import type { z } from 'zod'
import { AppError, assertNoNul, invalid, notFound, tooLarge, type FieldErrors } from '#app/domain/errors.ts'
import { withApiContext } from './api-context.server.ts'

export { findNul } from '#app/domain/errors.ts'

/** Field messages from a zod error, keyed by the first path segment. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_form'
    ;(out[key] ??= []).push(issue.message)
  }
  return out
}

/** Parses with `schema` or throws a 400 with a message per field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  assertNoNul(input)
  const result = schema.safeParse(input)
  if (!result.success) throw invalid('Some fields need attention', fieldErrorsOf(result.error))
  return result.data
}

/**
 * The route parameter `name` parsed with its schema. One that does not parse names nothing that
 * can exist, so it is the same 404 as a missing `what`, never a 400.
 */
export function requireParam<S extends z.ZodType>(
  params: Readonly<Record<string, string | undefined>>,
  name: string,
  schema: S,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(params[name])
  if (!parsed.success) throw notFound(what)
  return parsed.data
}

/**
 * Form fields as an object of strings (files are refused). Called before formAction, so its
 * refusals are thrown as Responses (413, 400) for the error boundary, never as a 500.
 */
export async function readForm(request: Request, maxBytes = 256 * 1024) {
  const length = Number(request.headers.get('Content-Length') ?? 0)
  if (length > maxBytes) throw json({ message: 'The form is too large' }, { status: 413 })
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    throw json({ message: 'The form could not be read' }, { status: 400 })
  }
  const values: Record<string, string> = {}
  for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value
  return values
}

/** Reads a JSON body with a size limit; malformed JSON is a 400. */
export async function readJson(request: Request, maxBytes = 1024 * 1024): Promise<unknown> {
  const length = Number(request.headers.get('Content-Length') ?? 0)
  if (length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024)} KiB`)
  const text = await request.text()
  if (text.length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024)} KiB`)
  try {
    return JSON.parse(text)
  } catch {
    throw invalid('The body is not valid JSON')
  }
}

/** Reads a JSON body that must be an object (a PATCH of some fields): anything else is a 400. */
export async function readJsonObject(request: Request, maxBytes?: number): Promise<Record<string, unknown>> {
  const body = await readJson(request, maxBytes)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object')
  return body as Record<string, unknown>
}

/**
 * Runs a form action: typed errors become `{ errors, values }` with their status, so the form
 * shows messages next to its fields and keeps what the user typed.
 */
export async function formAction<T>(values: Record<string, string>, run: () => Promise<T>) {
  try {
    return await run()
  } catch (e) {
    if (e instanceof AppError) {
      const { password: _p, ...kept } = values
      return json(
        { ok: false as const, message: e.message, errors: e.fieldErrors ?? {}, values: kept },
        { status: e.status, headers: e.headers },
      )
    }
    throw e
  }
}

/** Runs a loader or page action: typed errors become thrown Responses for the error boundary. */
export async function orThrowResponse<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof AppError) throw json({ message: e.message }, { status: e.status, headers: e.headers })
    throw e
  }
}

const TITLES: Record<number, string> = {
  400: 'Invalid input',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Service unavailable',
}

/**
 * Runs an API handler: typed errors become problem+json responses, and every answer carries the
 * headers the request collected on the way (the token's RateLimit-* headers).
 */
export async function api(run: () => Promise<Response>): Promise<Response> {
  return withApiContext(async (ctx) => {
    let response: Response
    try {
      response = await run()
    } catch (e) {
      if (e instanceof Response) response = e
      else if (e instanceof AppError) response = problem(e.status, e.message, e.fieldErrors, e.headers, e.extra)
      else {
        console.error(e)
        response = problem(500, 'Something went wrong on our side')
      }
    }
    return withHeaders(response, ctx.headers)
  })
}

/** `response` with `headers` added (a copy when its headers are immutable). */
function withHeaders(response: Response, headers: Record<string, string>) {
  const entries = Object.entries(headers)
  if (!entries.length) return response
  try {
    for (const [k, v] of entries) if (!response.headers.has(k)) response.headers.set(k, v)
    return response
  } catch {
    const copy = new Response(response.body, response)
    for (const [k, v] of entries) if (!copy.headers.has(k)) copy.headers.set(k, v)
    return copy
  }
}

export function problem(
  status: number,
  detail: string,
  errors?: FieldErrors,
  headers?: Record<string, string>,
  extra?: Record<string, unknown>,
) {
  return json(
    { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(errors ? { errors } : {}), ...extra },
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  )
}

export function methodNotAllowed() {
  return problem(405, 'Method not allowed')
}
