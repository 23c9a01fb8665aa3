import { $createParagraphNode, $createTextNode, $getRoot, $isElementNode, type LexicalNode } from 'lexical'
import { $dfs } from '@lexical/utils'
import { $createHeadingNode, $isHeadingNode } from '@lexical/rich-text'
import { $convertFromMarkdownString, TRANSFORMERS, type Transformer } from '@lexical/markdown'
import type { Db } from '#db/client.ts'
import { appendSeedUpdate } from '#db/queries/narrative-docs.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { narrativeNodes } from '#app/editor/nodes.ts'
import { TABLE } from '#app/editor/markdown.ts'
import { $isChipNode, type ChipRef } from '#app/editor/nodes/ChipNode.ts'
import { TEMPLATE_DEFINITIONS, type TemplateDefinition, type TemplateKey } from '#app/domain/templates.ts'
import { buildUpdateWith, readDocWith } from './lexical.ts'

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
  return readDocWith(update, () => {
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
  })
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
