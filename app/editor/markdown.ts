import type { ElementTransformer, Transformer } from '@lexical/markdown'
import { CHECK_LIST, HEADING, LINK, ORDERED_LIST, QUOTE, TEXT_FORMAT_TRANSFORMERS, UNORDERED_LIST } from '@lexical/markdown'
import { $createHorizontalRuleNode, $isHorizontalRuleNode, HorizontalRuleNode } from '@lexical/extension'

/** `---`, `***` or `___` on a line of its own becomes a horizontal rule. */
export const HORIZONTAL_RULE: ElementTransformer = {
  type: 'element',
  dependencies: [HorizontalRuleNode],
  regExp: /^(?:-{3,}|\*{3,}|_{3,})\s?$/,
  export: (node) => ($isHorizontalRuleNode(node) ? '---' : null),
  replace(parentNode, _children, _match, isImport) {
    const rule = $createHorizontalRuleNode()
    if (isImport) {
      parentNode.replace(rule)
      return
    }
    // While typing the shortcut has already removed the `---`: the emptied paragraph stays
    // below the rule and keeps the caret, so writing simply continues after it.
    parentNode.insertBefore(rule)
  },
}

/**
 * Markdown shortcuts that match THE node list (app/editor/nodes.ts). Lexical's default
 * TRANSFORMERS include fenced code blocks, which need CodeNode — not a narrative node — so the
 * list is spelled out. CHECK_LIST must come before UNORDERED_LIST (`- [ ]` also starts with `- `).
 */
export const NARRATIVE_TRANSFORMERS: Transformer[] = [
  HEADING,
  QUOTE,
  CHECK_LIST,
  UNORDERED_LIST,
  ORDERED_LIST,
  HORIZONTAL_RULE,
  ...TEXT_FORMAT_TRANSFORMERS,
  LINK,
]
