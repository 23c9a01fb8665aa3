import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { $createParagraphNode, $createTabNode, $createTextNode, $getRoot, $isElementNode, $isTextNode, type ElementNode } from 'lexical'
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text'
import { $createListItemNode, $createListNode, $isListItemNode } from '@lexical/list'
import { $createLinkNode } from '@lexical/link'
import { $createTableNodeWithDimensions } from '@lexical/table'
import { $createHorizontalRuleNode } from '@lexical/extension'
import { $createMarkNode } from '@lexical/mark'
import { $dfs } from '@lexical/utils'
import { checkDocumentState, checkUpdate } from '#app/document/update-check.ts'
import { BUILT_IN_TYPES, documentSchema } from '#app/document/schema.ts'
import { narrativeNodes } from '#app/document/nodes.ts'
import { $createChipNode } from '#app/document/nodes/ChipNode.ts'
import { TEMPLATE_DEFINITIONS, type TemplateKey } from '#app/domain/templates.ts'
import { FY27_Q1_QBR, FY27_STRATEGY } from '#server/demo/narratives.ts'
import { buildAppendParagraphUpdate, buildMarkdownUpdate, buildRestoreUpdate, buildTemplateUpdate } from '#app/document/content.ts'
import { bindEditor } from '#app/document/lexical.ts'
import { loadTrace, replayTrace } from '../../bench/collab/trace.ts'
import { loadConcurrentTrace, replayConcurrentTrace } from '../../bench/collab/concurrent-trace.ts'

const METRIC_ID = '6f1c1b9e-8a3f-4a55-9a57-2f5d0d3c9a11'

/** A headless editor bound to a Yjs document like a browser's: every update it emits is checked against the server's copy, then applied to it. */
function editingSession(seed: Uint8Array) {
  const server = new Y.Doc()
  const refusals: string[] = []
  let updates = 0
  const deliver = (u: Uint8Array) => {
    updates++
    const problem = checkUpdate(server, u)
    if (problem) refusals.push(problem)
    Y.applyUpdate(server, u)
  }
  deliver(seed)
  const doc = new Y.Doc()
  const bound = bindEditor(doc)
  Y.applyUpdate(doc, seed)
  bound.editor.update(() => {}, { discrete: true })
  doc.on('update', deliver)
  return {
    server,
    refusals,
    updates: () => updates,
    edit: (fn: () => void) => bound.editor.update(fn, { discrete: true }),
    dispose: () => {
      bound.dispose()
      doc.destroy()
    },
  }
}

test('the schema names exactly the node list’s types and Lexical’s built-ins', () => {
  const types = narrativeNodes.map((k) => k.getType())
  expect(Object.keys(documentSchema).sort()).toEqual([...types, ...BUILT_IN_TYPES].sort())
})

test('every update the editor and the server write passes the schema check', () => {
  for (const key of Object.keys(TEMPLATE_DEFINITIONS) as TemplateKey[]) expect(checkDocumentState(buildTemplateUpdate(key))).toBeNull()
  expect(checkDocumentState(buildTemplateUpdate({ key: 'blank', name: 'Blank', sections: [] } as never))).toBeNull()
  for (const md of [FY27_STRATEGY, FY27_Q1_QBR]) expect(checkDocumentState(buildMarkdownUpdate(md))).toBeNull()
  const seed = buildMarkdownUpdate(FY27_STRATEGY)

  const s = editingSession(seed)
  s.edit(() => {
    const root = $getRoot()
    const p = $createParagraphNode().append($createTextNode('plain '), $createTextNode('bold').toggleFormat('bold'))
    p.append(
      $createTextNode(' italic code').toggleFormat('italic').toggleFormat('code').toggleFormat('strikethrough').toggleFormat('underline'),
    )
    p.append($createTabNode(), $createTextNode('after tab'))
    p.append(
      $createLinkNode('https://example.com/a?b=1', { target: '_blank', rel: 'noopener noreferrer', title: 'A' }).append(
        $createTextNode('link'),
      ),
    )
    p.append($createLinkNode('/narratives/x').append($createTextNode('relative')))
    p.append($createChipNode({ kind: 'metric', refId: METRIC_ID, refKey: 'pipeline', label: 'Pipeline' }))
    p.append($createChipNode({ kind: 'capability', refId: METRIC_ID, refKey: '', label: 'Attribution' }))
    p.append($createMarkNode(['comment-1']).append($createTextNode('marked')))
    root.append(p.setFormat('center').setIndent(2))
    for (const tag of ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const) root.append($createHeadingNode(tag).append($createTextNode(tag)))
    root.append($createQuoteNode().append($createTextNode('quoted')))
    for (const type of ['bullet', 'number', 'check'] as const) {
      const nested = $createListNode('bullet').append($createListItemNode().append($createTextNode('nested')))
      root.append(
        $createListNode(type, 3).append(
          $createListItemNode(type === 'check' ? true : undefined).append($createTextNode(`${type} one`)),
          $createListItemNode(type === 'check' ? false : undefined).append(nested),
        ),
      )
    }
    root.append($createTableNodeWithDimensions(3, 2, true))
    root.append($createHorizontalRuleNode())
    root.append($createParagraphNode().append($createTextNode('line one'), $createTextNode('x')))
  })
  s.edit(() => {
    // Change things in place: formats, tags, list type, check state, alignment, indent, chip.
    for (const { node } of $dfs()) {
      if ($isTextNode(node) && node.getTextContent() === 'plain ') node.toggleFormat('bold')
      if ($isListItemNode(node) && node.getChecked() === false) node.setChecked(true)
      if ($isElementNode(node) && node.getType() === 'heading') (node as ElementNode).setFormat('right')
    }
    const last = $getRoot().getLastChild<ElementNode>()!
    last.selectEnd().insertLineBreak()
    last.selectEnd().insertText(' typed')
    $getRoot().getFirstChild()!.remove()
  })
  s.edit(() => {
    for (const { node } of $dfs()) if ($isTextNode(node) && node.getTextContent() === 'h2') node.setTextContent('renamed')
    $getRoot().getChildAtIndex(1)?.remove()
  })
  const current = Y.encodeStateAsUpdate(s.server)
  expect(s.refusals).toEqual([])
  expect(s.updates()).toBeGreaterThan(3)

  // The server's own writes on top of that document: a restore and an appended paragraph.
  const restore = buildRestoreUpdate(current, seed)
  expect(checkUpdate(s.server, restore)).toBeNull()
  Y.applyUpdate(s.server, restore)
  expect(checkUpdate(s.server, buildAppendParagraphUpdate(Y.encodeStateAsUpdate(s.server), 'appended'))).toBeNull()
  expect(checkDocumentState(Y.encodeStateAsUpdate(s.server))).toBeNull()
  s.dispose()
})

test('the real editing traces (sequential and concurrent) pass with zero refusals', () => {
  const seed = buildTemplateUpdate('blank')
  let checked = 0
  let checkMs = 0
  for (const name of ['seph-blog1.json.gz', 'automerge-paper.json.gz']) {
    const replay = replayTrace(loadTrace(name), seed, 1)
    expect(replay.matchesEndContent).toBe(true)
    const server = new Y.Doc()
    Y.applyUpdate(server, seed)
    for (const u of replay.batches) {
      const t = performance.now()
      const problem = checkUpdate(server, u)
      checkMs += performance.now() - t
      checked++
      if (problem) throw new Error(`${name}: refused update #${checked}: ${problem}`)
      Y.applyUpdate(server, u)
    }
    expect(checkDocumentState(replay.state)).toBeNull()
    server.destroy()
  }
  const trace = loadConcurrentTrace()
  const replay = replayConcurrentTrace(trace, seed)
  const server = new Y.Doc()
  Y.applyUpdate(server, seed)
  Y.applyUpdate(server, replay.setup)
  // The server receives each author's transactions in causal order (what the provider sends).
  for (const t of replay.txns) {
    const problem = checkUpdate(server, t.update)
    checked++
    if (problem) throw new Error(`friendsforever: refused: ${problem}`)
    Y.applyUpdate(server, t.update)
  }
  console.log(`schema check: ${checked} trace updates, ${((checkMs / checked) * 1000).toFixed(1)} µs each (sequential traces)`)
}, 120_000)

/** Hostile updates: made on a copy of a real document the way a crafted client would. */
function craft(base: Uint8Array, change: (root: Y.XmlText, doc: Y.Doc) => void): { server: Y.Doc; update: Uint8Array } {
  const server = new Y.Doc()
  Y.applyUpdate(server, base)
  const attacker = new Y.Doc()
  Y.applyUpdate(attacker, base)
  const before = Y.encodeStateVector(attacker)
  attacker.transact(() => change(attacker.get('root', Y.XmlText), attacker))
  return { server, update: Y.encodeStateAsUpdate(attacker, before) }
}

function firstBlock(root: Y.XmlText, type: string): Y.XmlText {
  for (const op of root.toDelta() as { insert: unknown }[]) {
    if (op.insert instanceof Y.XmlText && op.insert.getAttribute('__type') === type) return op.insert
  }
  throw new Error(`no ${type}`)
}

function firstTextMap(block: Y.XmlText): Y.Map<unknown> {
  for (const op of block.toDelta() as { insert: unknown }[]) if (op.insert instanceof Y.Map) return op.insert
  throw new Error('no text node')
}

test.each([
  ['an unknown block type', (root: Y.XmlText) => firstBlock(root, 'paragraph').setAttribute('__type', 'script')],
  [
    'a new block of an unknown type',
    (root: Y.XmlText) => {
      const x = new Y.XmlText()
      root.insertEmbed(0, x)
      x.setAttribute('__type', 'iframe')
    },
  ],
  ['a new block without a type', (root: Y.XmlText) => root.insertEmbed(0, new Y.XmlText())],
  ['a heading tag with markup', (root: Y.XmlText) => firstBlock(root, 'heading').setAttribute('__tag', 'img src=x onerror=alert(1)')],
  ['a heading tag of style', (root: Y.XmlText) => firstBlock(root, 'heading').setAttribute('__tag', 'style')],
  [
    'a chip value with markup',
    (root: Y.XmlText) => {
      const p = firstBlock(root, 'paragraph')
      const chip = new Y.Map<unknown>()
      p.insertEmbed(0, chip)
      for (const [k, v] of Object.entries({
        __type: 'chip',
        __format: 0,
        __style: '',
        __mode: 1,
        __detail: 0,
        __chipKind: 'metric',
        __refKey: '',
      }))
        chip.set(k, v)
      chip.set('__refId', '</style><meta http-equiv=refresh content=0;url=//evil>')
    },
  ],
  [
    'a text style overlay',
    (root: Y.XmlText) => firstTextMap(firstBlock(root, 'paragraph')).set('__style', 'position:fixed;inset:0;z-index:9999;background:red'),
  ],
  [
    'a javascript: link',
    (root: Y.XmlText) => {
      const p = firstBlock(root, 'paragraph')
      const link = new Y.XmlText()
      p.insertEmbed(0, link)
      for (const [k, v] of Object.entries({
        __type: 'link',
        __format: 0,
        __style: '',
        __indent: 0,
        __dir: null,
        __url: 'javascript:alert(1)',
      }))
        link.setAttribute(k, v as string)
    },
  ],
  ['a removed block type', (root: Y.XmlText) => firstBlock(root, 'paragraph').removeAttribute('__type')],
  ['a format that is not a number', (root: Y.XmlText) => firstTextMap(firstBlock(root, 'paragraph')).set('__format', '1; x')],
  ['text directly in the root', (root: Y.XmlText) => root.insert(0, 'loose text')],
  [
    'a paragraph inside a paragraph',
    (root: Y.XmlText) => {
      const x = new Y.XmlText()
      firstBlock(root, 'paragraph').insertEmbed(0, x)
      x.setAttribute('__type', 'paragraph')
    },
  ],
  ['a formatting mark in the text', (root: Y.XmlText) => firstBlock(root, 'paragraph').format(0, 1, { style: 'x' })],
])('refuses %s', (_name, change) => {
  const base = buildTemplateUpdate('strategy')
  const { server, update } = craft(base, change)
  expect(checkUpdate(server, update)).not.toBeNull()
  // A state that contains it fails the whole-document check too (what repair looks for).
  const merged = new Y.Doc()
  Y.applyUpdate(merged, base)
  Y.applyUpdate(merged, update)
  expect(checkDocumentState(Y.encodeStateAsUpdate(merged))).not.toBeNull()
})
