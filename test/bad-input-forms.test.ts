/**
 * The bad-input corpus over every form route (the inputs and walks: test/bad-input.ts; the API:
 * test/bad-input.test.ts; the websocket: server/collab/hostile.test.ts).
 */
import { describe, it } from 'vitest'
import { useCorpus, walkForms } from '#test/bad-input.ts'

await useCorpus('forms')

describe('the bad-input corpus: forms', () => {
  it('every form route survives wrong intents, hostile and oversized fields', { timeout: 600_000 }, walkForms)
})
