import { afterEach, beforeEach, vi, type MockInstance } from 'vitest'

// A console.error during a test fails it, unless the test called allowConsoleError() first.
let spy: MockInstance | null = null
let allowed = false

export function allowConsoleError() {
  allowed = true
}

beforeEach(() => {
  allowed = false
  spy = vi.spyOn(console, 'error')
})

afterEach(() => {
  const calls = spy?.mock.calls ?? []
  spy?.mockRestore()
  if (!allowed && calls.length) {
    throw new Error(`console.error was called during the test:\n${calls.map((c) => c.map(String).join(' ')).join('\n')}`)
  }
})
