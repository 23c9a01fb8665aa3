/**
 * The bad-input corpus over every API endpoint (the inputs and walks: test/bad-input.ts; the form
 * routes: test/bad-input-forms.test.ts; the websocket: server/collab/hostile.test.ts).
 */
import { describe, it } from 'vitest'
import { useCorpus, walkApiHostile, walkApiInvalid, walkForgedHeaders } from '#test/bad-input.ts'

await useCorpus('API')

describe('the bad-input corpus: API', () => {
  it('invalid input to every API endpoint is refused with a 4xx and stores nothing', { timeout: 600_000 }, walkApiInvalid)
  it(
    'wrong types and hostile text in every field of every API endpoint never cause a 5xx; hostile text is stored verbatim',
    { timeout: 600_000 },
    walkApiHostile,
  )
  it('forged Host and X-Forwarded-* headers never cause a 5xx or a redirect to the forged host', { timeout: 300_000 }, walkForgedHeaders)
})
