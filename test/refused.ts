import { AppError } from '#app/domain/errors.ts'

/** The AppError `p` rejects with (a service's refusal); fails the test if it resolves or throws anything else. */
export async function refused(p: Promise<unknown>): Promise<AppError> {
  try {
    await p
  } catch (e) {
    if (e instanceof AppError) return e
    throw e
  }
  throw new Error('expected a refusal')
}
