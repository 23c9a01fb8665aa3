import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { createHeadlessEditor } from '@lexical/headless'
import { createYjsBinding, syncYjsChangesToLexical, type Provider } from '@lexical/yjs'
import { $getRoot, $isElementNode, $isTextNode, type ElementNode, type LexicalNode } from 'lexical'
import { $isTableCellNode, $isTableNode } from '@lexical/table'
import { $isHeadingNode } from '@lexical/rich-text'
import { useTestDatabase } from '#test/db.ts'
import {
  connectClient,
  createCollabFixture,
  loadStoredDoc,
  startCollabServer,
  type Fixture,
  type TestServer,
} from '#test/collab-helpers.ts'
import { narrativeNodes } from '#app/document/nodes.ts'
import { TEMPLATE_DEFINITIONS } from '#app/domain/templates.ts'
import { buildMarkdownUpdate, buildTemplateUpdate, deriveContent, seedNarrativeContent } from './content.ts'
import { readDocWith } from './lexical.ts'

const db = await useTestDatabase()
const sql = db.sql
let server: TestServer
let fx: Fixture
beforeAll(async () => {
  server = await startCollabServer(sql)
  fx = await createCollabFixture(sql)
})
afterAll(async () => {
  await server.close()
})

const noProvider = {
  awareness: { getLocalState: () => null, getStates: () => new Map(), on() {}, off() {}, setLocalState() {}, setLocalStateField() {} },
  connect() {},
  disconnect() {},
  on() {},
  off() {},
} satisfies Provider

interface Block {
  type: string
  tag?: string
  text: string
  italic?: boolean
}

/** What a client-side CollaborationPlugin would show: an editor bound through @lexical/yjs, fed the doc. */
function readAsClient(stored: Y.Doc): Block[] {
  const editor = createHeadlessEditor({
    nodes: [...narrativeNodes],
    onError: (e) => {
      throw e
    },
  })
  const doc = new Y.Doc()
  const binding = createYjsBinding({ editor, id: 'main', doc, docMap: new Map([['main', doc]]) })
  binding.root.getSharedType().observeDeep((events, tx) => {
    if (tx.origin !== binding) syncYjsChangesToLexical(binding, noProvider, events as never, false)
  })
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored))
  editor.update(() => {}, { discrete: true })
  return editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((node: LexicalNode) => {
        const first = $isElementNode(node) ? node.getFirstChild() : null
        return {
          type: node.getType(),
          tag: $isHeadingNode(node) ? node.getTag() : undefined,
          text: node.getTextContent(),
          italic: $isTextNode(first) ? first.hasFormat('italic') : undefined,
        }
      }),
  )
}

test('a new narrative opened through the server holds its template as a Lexical client reads it', async () => {
  const id = await fx.newNarrative('prfaq')
  const c = connectClient(server.url, id, { cookie: fx.owner.cookie })
  await vi.waitFor(() => expect(c.provider.synced).toBe(true))
  c.destroy()
  const blocks = readAsClient(await loadStoredDoc(sql, id))
  const expected = TEMPLATE_DEFINITIONS.prfaq.sections.flatMap((s) => [
    { type: 'heading', tag: 'h2', text: s.heading, italic: false },
    { type: 'paragraph', tag: undefined, text: s.hint, italic: true },
  ])
  expect(blocks).toEqual(expected)
})

test('a blank narrative starts with one empty paragraph, so clients do not each add one', () => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, buildTemplateUpdate('blank'))
  expect(readAsClient(doc)).toEqual([{ type: 'paragraph', tag: undefined, text: '', italic: undefined }])
})

test('markdown content seeded for the demo is read back as Lexical nodes, and the template is not added', async () => {
  const id = await fx.newNarrative('strategy')
  const update = buildMarkdownUpdate(
    '## Summary\n\nWe will **double** pipeline from events.\n\n## Risks\n\n- Budget\n- Data quality\n\n> A quote\n\n```\nnot a code node here\n```',
  )
  expect(await seedNarrativeContent(sql, id, update, { authorId: fx.owner.userId })).toBe(true)
  expect(await seedNarrativeContent(sql, id, buildTemplateUpdate('strategy'))).toBe(false)
  const [row] = await sql<[{ excerpt: string; outline: unknown; word_count: number }]>`
    select excerpt, outline, word_count from narratives where id = ${id}`
  expect(row.excerpt).toBe('We will double pipeline from events.')
  expect(row.outline).toEqual([
    { level: 2, text: 'Summary' },
    { level: 2, text: 'Risks' },
  ])
  expect(row.word_count).toBeGreaterThan(10)

  const c = connectClient(server.url, id, { cookie: fx.owner.cookie })
  await vi.waitFor(() => expect(c.provider.synced).toBe(true))
  c.destroy()
  const blocks = readAsClient(await loadStoredDoc(sql, id))
  expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'heading', 'list', 'quote', 'paragraph'])
})

test('derived content skips headings and template hints for the excerpt', () => {
  const derived = deriveContent(buildTemplateUpdate('strategy'))
  expect(derived.excerpt).toBe('')
  expect(derived.outline).toHaveLength(8)
  expect(derived.text.split('\n\n')).toHaveLength(16)
})

test('markdown tables become Lexical tables with a header row, not lines of pipes', () => {
  const update = buildMarkdownUpdate(
    '## Results\n\n| Metric | Target | Actual |\n| --- | ---: | ---: |\n| Pipeline | $4.0M | $4.1M |\n| Win rate | 24% | 21% |\n\nAfter the table.',
  )
  const shape = readDocWith(update, () =>
    $getRoot()
      .getChildren()
      .map((n) =>
        $isTableNode(n)
          ? n
              .getChildren()
              .map((row) =>
                (row as ElementNode)
                  .getChildren()
                  .map((cell) => `${$isTableCellNode(cell) && cell.hasHeader() ? 'th' : 'td'}:${cell.getTextContent()}`),
              )
          : n.getType(),
      ),
  )
  expect(shape).toEqual([
    'heading',
    [
      ['th:Metric', 'th:Target', 'th:Actual'],
      ['td:Pipeline', 'td:$4.0M', 'td:$4.1M'],
      ['td:Win rate', 'td:24%', 'td:21%'],
    ],
    'paragraph',
  ])
})
