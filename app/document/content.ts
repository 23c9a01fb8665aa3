import * as Y from 'yjs'
import { $createParagraphNode, $createTextNode, $getRoot, $isElementNode, $parseSerializedNode, type LexicalNode } from 'lexical'
import { $generateHtmlFromNodes } from '@lexical/html'
import { withDOM } from '@lexical/headless/dom'
import { $dfs } from '@lexical/utils'
import { $createHeadingNode, $isHeadingNode } from '@lexical/rich-text'
import { $convertFromMarkdownString, $convertToMarkdownString, TRANSFORMERS, type Transformer } from '@lexical/markdown'
import type { Db } from '#db/client.ts'
import { appendSeedUpdate } from '#db/queries/narrative-docs.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { narrativeNodes } from '#app/document/nodes.ts'
import { sanitizeNarrativeHtml } from '#app/document/sanitize.ts'
import { TABLE } from '#app/document/markdown.ts'
import { $isChipNode, type ChipRef } from '#app/document/nodes/ChipNode.ts'
import { TEMPLATE_DEFINITIONS, type TemplateDefinition, type TemplateKey } from '#app/domain/templates.ts'
import { bindEditor, buildUpdateWith, readDocWith, readDocWithBinding } from './lexical.ts'

/** Markdown transformers whose nodes are in THE node list (code blocks are not). */
const MARKDOWN_TRANSFORMERS: Transformer[] = [
  TABLE,
  ...TRANSFORMERS.filter((t) => !('dependencies' in t) || t.dependencies.every((dep) => narrativeNodes.includes(dep))),
]

/**
 * The Yjs update (V1) of a new narrative from `template`: one H2 per section followed by a
 * paragraph holding the section's hint in italics; a blank template gets one empty paragraph.
 */
export function buildTemplateUpdate(template: TemplateKey | TemplateDefinition): Uint8Array {
  const definition = typeof template === 'string' ? TEMPLATE_DEFINITIONS[template] : template
  return buildUpdateWith(() => {
    const root = $getRoot()
    for (const section of definition.sections) {
      root.append($createHeadingNode('h2').append($createTextNode(section.heading)))
      root.append($createParagraphNode().append($createTextNode(section.hint).toggleFormat('italic')))
    }
    // An empty root makes every client insert its own paragraph; seed it once here instead.
    if (root.getChildrenSize() === 0) root.append($createParagraphNode())
  })
}

/** The Yjs update (V1) of a document written in Markdown (headings, lists, quotes, links, emphasis). */
export function buildMarkdownUpdate(markdown: string): Uint8Array {
  return buildUpdateWith(() => {
    $convertFromMarkdownString(markdown, MARKDOWN_TRANSFORMERS)
    if ($getRoot().getChildrenSize() === 0) $getRoot().append($createParagraphNode())
  })
}

/**
 * Stores `update` (from buildTemplateUpdate or buildMarkdownUpdate) as the initial content of a
 * narrative that has never been opened, marks it seeded so the template is not added, and stores
 * its derived text, excerpt and outline; returns false when it was already seeded (nothing written).
 */
export async function seedNarrativeContent(
  db: Db,
  narrativeId: string,
  update: Uint8Array,
  opts: { authorId?: string | null } = {},
): Promise<boolean> {
  const seeded = await appendSeedUpdate(db, { narrativeId, update: () => update, authorId: opts.authorId })
  if (seeded) await updateNarrativeDerived(db, { id: narrativeId, ...deriveContent(update) })
  return seeded
}

export interface DerivedContent {
  /** Plain text, one block per paragraph, blocks separated by a blank line. */
  text: string
  /** The start of the first body paragraph that is not a template hint. */
  excerpt: string
  outline: { level: number; text: string }[]
  wordCount: number
  /**
   * The live references in the text (capability, system and metric chips), once each, in document
   * order; app/services/narrative-links.server.ts keeps requirements and links in step with them.
   */
  refs: ChipRef[]
}

const EXCERPT_LENGTH = 240
const TEMPLATE_HINTS = new Set(Object.values(TEMPLATE_DEFINITIONS).flatMap((t) => t.sections.map((s) => s.hint)))

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= EXCERPT_LENGTH) return flat
  const cut = flat.slice(0, EXCERPT_LENGTH)
  const space = cut.lastIndexOf(' ')
  return `${space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut}…`
}

/** Text, excerpt, outline and word count of a narrative's Yjs state (V1 update), read through Lexical. */
export function deriveContent(update: Uint8Array): DerivedContent {
  return readDocWith(update, $deriveContent)
}

function $deriveContent(): DerivedContent {
  const blocks: string[] = []
  const outline: { level: number; text: string }[] = []
  let excerpt = ''
  for (const child of $getRoot().getChildren()) {
    const text = child.getTextContent().trim()
    if ($isHeadingNode(child)) {
      const level = Number(child.getTag().slice(1))
      if (level <= 3 && text) outline.push({ level, text })
    } else if (!excerpt && text && !TEMPLATE_HINTS.has(text) && isBody(child)) {
      excerpt = excerptOf(text)
    }
    if (text) blocks.push(text)
  }
  const text = blocks.join('\n\n')
  const wordCount = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
  return { text, excerpt, outline, wordCount, refs: $chipRefs() }
}

function isBody(node: LexicalNode): boolean {
  return $isElementNode(node) && node.getType() !== 'horizontalrule'
}

/** Every chip of the document once (by kind and id), in document order. */
function $chipRefs(): ChipRef[] {
  const seen = new Map<string, ChipRef>()
  for (const { node } of $dfs()) {
    if (!$isChipNode(node)) continue
    const ref = node.getChipRef()
    if (ref.refId && !seen.has(`${ref.kind}:${ref.refId}`)) seen.set(`${ref.kind}:${ref.refId}`, ref)
  }
  return [...seen.values()]
}

/** A version's rendered form: the HTML of the reading view, the plain text and its word count. */
export interface RenderedDocument {
  html: string
  text: string
  wordCount: number
}

/** HTML (as Lexical exports it, through the sanitizer), plain text and word count of a Yjs state (V1 update). */
export function renderDocument(update: Uint8Array): RenderedDocument {
  return renderNarrative(update).rendered
}

/**
 * The derived content and the rendered form of a Yjs state (V1 update) from one headless editor:
 * what a checkpoint needs, for the price of one pass instead of one per product.
 */
export function renderNarrative(update: Uint8Array): { derived: DerivedContent; rendered: RenderedDocument } {
  return readDocWithBinding(update, (binding) => {
    const derived = $deriveContent()
    const html = withDOM(() => $generateHtmlFromNodes(binding.editor, null))
    return { derived, rendered: { html: sanitizeNarrativeHtml(html), text: derived.text, wordCount: derived.wordCount } }
  })
}

/** The document as Markdown (headings, lists, quotes, links, emphasis, tables). */
export function renderMarkdown(update: Uint8Array): string {
  return readDocWith(update, () => $convertToMarkdownString(MARKDOWN_TRANSFORMERS))
}

/**
 * The Yjs update (V1) that turns the document `current` into the content of `target`, as a
 * forward change: a headless editor bound to a copy of `current` replaces its blocks with copies
 * of `target`'s, and the difference of the copy is returned. History is never rewritten; clients
 * that apply it see the old text come back like any other edit.
 */
export function buildRestoreUpdate(current: Uint8Array, target: Uint8Array): Uint8Array {
  const blocks = readDocWithBinding(target, (binding) => binding.editor.getEditorState().toJSON().root.children)
  const doc = new Y.Doc()
  // Bound first, then filled: the Yjs → Lexical sync builds the editor state from the update.
  const bound = bindEditor(doc)
  try {
    Y.applyUpdate(doc, current)
    bound.editor.update(() => {}, { discrete: true })
    const before = Y.encodeStateVector(doc)
    bound.editor.update(
      () => {
        const root = $getRoot()
        root.clear()
        for (const json of blocks) root.append($parseSerializedNode(json))
        if (root.getChildrenSize() === 0) root.append($createParagraphNode())
      },
      { discrete: true },
    )
    return Y.encodeStateAsUpdate(doc, before)
  } finally {
    bound.dispose()
    doc.destroy()
  }
}

/** The Yjs update (V1) that appends a paragraph of `text` to the document `current` (demo data and tests). */
export function buildAppendParagraphUpdate(current: Uint8Array, text: string): Uint8Array {
  const doc = new Y.Doc()
  const bound = bindEditor(doc)
  try {
    Y.applyUpdate(doc, current)
    bound.editor.update(() => {}, { discrete: true })
    const before = Y.encodeStateVector(doc)
    bound.editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode(text))), { discrete: true })
    return Y.encodeStateAsUpdate(doc, before)
  } finally {
    bound.dispose()
    doc.destroy()
  }
}
