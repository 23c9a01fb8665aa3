const level = process.env.LOG_LEVEL ?? 'info'
const order = ['debug', 'info', 'warn', 'error', 'silent']
const on = (l: string) => order.indexOf(l) >= order.indexOf(level)

/** Minimal leveled logging to stdout/stderr with a prefix. */
export const log = {
  debug: (...a: unknown[]) => on('debug') && console.log('accord:', ...a),
  info: (...a: unknown[]) => on('info') && console.log('accord:', ...a),
  warn: (...a: unknown[]) => on('warn') && console.warn('accord:', ...a),
  error: (...a: unknown[]) => on('error') && console.error('accord:', ...a),
}
