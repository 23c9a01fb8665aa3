import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{app,server,db,test}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', 'build', 'test/e2e/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
