import { AsyncLocalStorage } from 'node:async_hooks'
import { singleton } from '#db/singleton.ts'

/** What one /api/v1 request collects for its answer, whatever it ends with. */
export interface ApiContext {
  headers: Record<string, string>
}

// One store per process, even if this module is loaded twice (see singleton).
const storage = singleton('api-context', () => new AsyncLocalStorage<ApiContext>())

export function withApiContext<T>(run: (ctx: ApiContext) => Promise<T>): Promise<T> {
  const ctx: ApiContext = { headers: {} }
  return storage.run(ctx, () => run(ctx))
}

/** The running API request's context, or null outside `api(...)`. */
export function apiContext(): ApiContext | null {
  return storage.getStore() ?? null
}
