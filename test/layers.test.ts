import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

// The layering rules of eslint.config.js (docs/decisions/010-layers-one-direction.md), run through
// ESLint itself on a planted import per rule: what `npm run lint` would say of such a file.
const eslint = new ESLint({ cwd: process.cwd() })
const RULE = '@typescript-eslint/no-restricted-imports'

/** The layer violations ESLint reports for `code` as if it were the file at `filePath`. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message)
}

describe('the lint step enforces the layers', () => {
  it.each([
    ['app/services/planted.server.ts', "import { attachCollab } from '#server/collab/upgrade.ts'", /app\/ never imports server\//],
    ['app/routes/planted.tsx', "import { main } from '../../server/index.ts'", /app\/ never imports server\//],
    ['app/services/planted.server.test.ts', "import { seedDemo } from '#server/seed.ts'", /app\/ never imports server\//],
    ['db/queries/planted.ts', "import { createUser } from '#app/services/accounts.server.ts'", /db\/ holds queries/],
    ['app/components/Planted.tsx', "import { getSql } from '#app/services/versions.server.ts'", /Client code imports no \*\.server\.ts/],
    ['app/editor/planted.ts', "import { requireUser } from '../utils/auth.server'", /Client code imports no \*\.server\.ts/],
    [
      'app/document/planted.ts',
      "import { storeCheckpoint } from '#app/services/versions.server.ts'",
      /app\/document is the document model/,
    ],
    ['app/document/planted.ts', "import { Editor } from '#app/editor/Editor.tsx'", /no component or editor code/],
    ['app/document/planted.ts', "import { Button } from '../components/ui/button.tsx'", /no component or editor code/],
    [
      'server/collab/planted.ts',
      "import { noteNarrativeEdited } from '#app/services/reviews.server.ts'",
      /server\/collab imports no service/,
    ],
  ])('%s: %s is reported', async (filePath, code, message) => {
    const errors = await layerErrors(filePath, `${code}\n`)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
  })

  it('a file that keeps to its layer is not reported', async () => {
    const clean = [
      "import * as Y from 'yjs'",
      "import { CloseCode } from '#app/document/close-codes.ts'",
      "import { getNarrativeLog } from '#db/queries/narrative-docs.ts'",
      "import type { DocumentHooks } from '#app/document/hooks.ts'",
    ].join('\n')
    expect(await layerErrors('app/document/planted.ts', clean)).toEqual([])
    expect(await layerErrors('server/collab/planted.ts', clean)).toEqual([])
    expect(await layerErrors('app/services/planted.server.ts', "import { documentHooks } from './narrative-changes.server.ts'\n")).toEqual(
      [],
    )
    // Type-only imports are erased before bundling (view types; see the decision record).
    expect(await layerErrors('app/components/Planted.tsx', "import type { ThreadView } from '#app/services/comments.server.ts'\n")).toEqual(
      [],
    )
  })
})
