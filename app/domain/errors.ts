/** Typed failures that services throw and the HTTP layer maps to statuses in one place. */
export type FieldErrors = Record<string, string[]>

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 429,
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
export const tooLarge = (message: string) => new AppError(413, message)
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, message, undefined, { 'Retry-After': String(retryAfterSeconds) })
