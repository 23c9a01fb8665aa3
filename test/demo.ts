// The demo data set (server/demo) for tests under app/: app/ imports nothing from server/, tests
// included, so they reach the process shell's seed through this harness module.
export { seedDemo } from '#server/seed.ts'
export { seedStack } from '#server/demo/stack.ts'
