/** Typed failures that services throw and the HTTP layer maps to statuses in one place. */
export type FieldErrors = Record<string, string[]>

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 429 | 503,
    message: string,
    readonly fieldErrors?: FieldErrors,
    readonly headers?: Record<string, string>,
    /** Extra members of the problem+json body (e.g. `currentVersionId` of a stale approval). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const invalid = (message: string, fieldErrors?: FieldErrors) => new AppError(400, message, fieldErrors)
export const unauthenticated = (message = 'Sign in to continue') => new AppError(401, message)
export const forbidden = (message = 'You do not have permission to do that') => new AppError(403, message)
export const notFound = (what: string) => new AppError(404, `${what} not found`)
export const conflict = (message: string, fieldErrors?: FieldErrors) => new AppError(409, message, fieldErrors)
export const preconditionFailed = (message: string, extra?: Record<string, unknown>, headers?: Record<string, string>) =>
  new AppError(412, message, undefined, headers, extra)
export const unprocessable = (message: string, fieldErrors?: FieldErrors) => new AppError(422, message, fieldErrors)
export const tooLarge = (message: string) => new AppError(413, message)
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, message, undefined, { 'Retry-After': String(retryAfterSeconds) })
/** A dependency of the answer (the PDF browser) is busy or failed: try again later. */
export const serviceUnavailable = (message: string, retryAfterSeconds = 10) =>
  new AppError(503, message, undefined, { 'Retry-After': String(retryAfterSeconds) })

/**
 * The first string inside `value` that holds a NUL character (PostgreSQL text cannot store one),
 * walked without recursion so pathologically deep input cannot overflow the stack.
 */
export function findNul(value: unknown): string | null {
  const stack: unknown[] = [value]
  let seen = 0
  while (stack.length) {
    const v = stack.pop()
    if (++seen > 1_000_000) return null
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return v
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item)
    } else if (v && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000')) return key
        stack.push(item)
      }
    }
  }
  return null
}

/** A 400 when `input` holds a NUL character anywhere (strings or keys, at any depth). */
export function assertNoNul(input: unknown) {
  if (findNul(input) !== null) throw invalid('Text may not contain NUL characters (\\u0000)')
}
