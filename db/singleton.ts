/**
 * One instance per process even when a module is loaded twice (the Remix server build bundles
 * app code that the Express server also imports directly, and dev rebuilds re-import it).
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __accordSingletons?: Map<string, unknown> }
  store.__accordSingletons ??= new Map()
  if (!store.__accordSingletons.has(name)) store.__accordSingletons.set(name, create())
  return store.__accordSingletons.get(name) as T
}
