/**
 * The Accord server as the bench runs it: the bench's memory/CPU hook, then the real
 * `server/index.ts` (unchanged, same start-up path as `tsx server/index.ts`).
 */
import './ipc-hook.ts'

await import('../../server/index.ts')
