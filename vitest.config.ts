import { defineConfig } from 'vitest/config'

// The bad-input corpus (test/bad-input.test.ts) runs on its own (`npm run test:bad-input`): it
// still reports dropped connections on oversized, binary and NUL inputs that are not triaged yet
// (413 early close or a real fault) and takes ~13 minutes; issue 9 keeps it open.
const corpus = 'test/bad-input.test.ts'
const onlyCorpus = process.env.BAD_INPUT_CORPUS === '1'

export default defineConfig({
  test: {
    include: onlyCorpus ? [corpus] : ['{app,server,db,test}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', 'build', 'test/e2e/**', ...(onlyCorpus ? [] : [corpus])],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
