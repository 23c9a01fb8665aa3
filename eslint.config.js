import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

// The layers point one way (docs/decisions/010-layers-one-direction.md). Each entry bans imports by
// specifier, alias (#app/…) or relative path (../../server/…) alike; test/layers.test.ts plants one
// violation per rule and checks that lint reports it.
const layer = (regex, message, extra = {}) => ({ regex, message, ...extra })
const NO_SERVER = layer('^(#server/|(\\.\\./)+server/)', 'app/ never imports server/: the process shell imports the app, not the reverse.')
const NO_SERVICES = (message) => layer('^(#app/services/|(\\.\\./)+(app/)?services/)', message)
const NO_UI = layer(
  '^(#app/(components|editor)/|(\\.\\./)+(components|editor)/)',
  'app/document is the document model: it imports no component or editor code.',
)
// Type-only imports are erased before bundling; the view types they name move to app/schemas (issue 14, item 5).
const NO_SERVER_MODULES = layer('\\.server(\\.tsx?)?$', 'Client code imports no *.server.ts module: it would reach the browser bundle.', {
  allowTypeImports: true,
})
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] })

export default tseslint.config(
  { ignores: ['build/', 'public/build/', 'node_modules/', '.data/', 'test/.artifacts/', 'playwright-report/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  // In flat config the last matching entry sets a rule, so each entry lists every layer rule of its files.
  { files: ['app/**/*.{ts,tsx}'], rules: restrict(NO_SERVER) },
  { files: ['app/components/**/*.{ts,tsx}', 'app/editor/**/*.{ts,tsx}'], rules: restrict(NO_SERVER, NO_SERVER_MODULES) },
  {
    files: ['app/document/**/*.{ts,tsx}'],
    rules: restrict(NO_SERVER, NO_SERVICES('app/document is the document model: it imports no service.'), NO_UI),
  },
  { files: ['db/**/*.ts'], rules: restrict(NO_SERVICES('db/ holds queries: it imports no service.')) },
  {
    files: ['server/collab/**/*.ts'],
    // Its tests drive the whole app around the transport, as the shell (server/index.ts) wires it.
    ignores: ['server/collab/**/*.test.ts'],
    rules: restrict(NO_SERVICES('server/collab imports no service: the app hands its behaviour in at boot (DocumentHooks).')),
  },
  {
    // Hooks rules for React code only: server and test helpers named use* are not hooks.
    files: ['app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
)
