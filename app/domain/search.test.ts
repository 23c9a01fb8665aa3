import { describe, expect, it } from 'vitest'
import { MARK_END, MARK_START, queryWords, snippetParts, toPrefixTsquery } from './search.ts'

describe('toPrefixTsquery', () => {
  it('turns words into AND-ed prefixes', () => {
    expect(toPrefixTsquery('Pipeline  growth')).toBe('pipeline:* & growth:*')
  })
  it('keeps letters and digits only, so tsquery syntax never reaches PostgreSQL', () => {
    expect(toPrefixTsquery("x' | !y & (z):* <-> w")).toBe('x:* & y:* & z:* & w:*')
    expect(toPrefixTsquery("'; drop table narratives; --")).toBe('drop:* & table:* & narratives:*')
    expect(toPrefixTsquery('   ')).toBeNull()
    expect(toPrefixTsquery('!!! ---')).toBeNull()
  })
  it('keeps unicode letters, folds compatibility forms, and caps words and length', () => {
    expect(toPrefixTsquery('Über Ｆｕｌｌ 東京 café')).toBe('über:* & full:* & 東京:* & café:*')
    expect(queryWords('a b c d e f g h i j')).toHaveLength(8)
    expect(queryWords('x'.repeat(500))[0]).toHaveLength(60)
  })
})

describe('snippetParts', () => {
  it('splits a headline at its marks', () => {
    expect(snippetParts(`one ${MARK_START}two${MARK_END} three`)).toEqual([
      { text: 'one ', match: false },
      { text: 'two', match: true },
      { text: ' three', match: false },
    ])
    expect(snippetParts('')).toEqual([])
  })
})
