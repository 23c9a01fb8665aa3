// A base no request can name: a target is kept only when it resolves to this very origin, so the
// browser's own URL rules (which drop TAB/LF, turn `\` into `/`, …) decide, not string prefixes.
const BASE = 'http://accord.invalid'

/**
 * A same-site path (with query and hash) to go to, taken from input; anything else becomes
 * `fallback`. Every redirect whose target comes from a request goes through here.
 */
export function safeRedirect(to: unknown, fallback = '/'): string {
  // Control characters are refused outright: browsers strip TAB/CR/LF before parsing (so
  // `/\t/evil.example` would become `//evil.example`), and a LF in a Location header throws.
  // eslint-disable-next-line no-control-regex
  if (typeof to !== 'string' || !to.startsWith('/') || to.length > 2000 || /[\u0000-\u001f\u007f]/.test(to)) return fallback
  let url: URL
  try {
    url = new URL(to, BASE)
  } catch {
    return fallback
  }
  if (url.origin !== BASE) return fallback
  return url.pathname + url.search + url.hash
}
