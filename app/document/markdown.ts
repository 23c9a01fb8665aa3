import type { ElementTransformer, Transformer } from '@lexical/markdown'
import { CHECK_LIST, HEADING, LINK, ORDERED_LIST, QUOTE, TEXT_FORMAT_TRANSFORMERS, UNORDERED_LIST } from '@lexical/markdown'
import { $createHorizontalRuleNode, $isHorizontalRuleNode, HorizontalRuleNode } from '@lexical/extension'
import {
  $createTableCellNode,
  $createTableNode,
  $createTableRowNode,
  $isTableCellNode,
  $isTableNode,
  $isTableRowNode,
  TableCellHeaderStates,
  TableCellNode,
  TableNode,
  TableRowNode,
} from '@lexical/table'
import { $createParagraphNode, $createTextNode } from 'lexical'

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
 * Markdown shortcuts that match THE node list (app/document/nodes.ts). Lexical's default
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

const TABLE_ROW = /^\|(.+)\|\s*$/
const TABLE_DIVIDER = /^\|(\s*:?-{3,}:?\s*\|)+\s*$/

function cellsOf(line: string): string[] {
  return (TABLE_ROW.exec(line)?.[1] ?? '').split('|').map((c) => c.trim())
}

/**
 * Import of GitHub-style Markdown tables (`| a | b |` rows, a `|---|---|` divider under the header
 * row), for documents the server writes from Markdown (demo narratives, generated reviews). Each
 * row line becomes a row of the table above it; the divider turns the first row into headers.
 * Not a typing shortcut: the editor has a table button.
 */
export const TABLE: ElementTransformer = {
  type: 'element',
  dependencies: [TableNode, TableRowNode, TableCellNode],
  regExp: TABLE_ROW,
  export: () => null,
  replace(parentNode, _children, match) {
    const line = match[0] ?? ''
    const previous = parentNode.getPreviousSibling()
    const table = $isTableNode(previous) ? previous : null
    if (TABLE_DIVIDER.test(line)) {
      const header = table?.getFirstChild()
      if (header && $isTableRowNode(header)) {
        for (const cell of header.getChildren()) if ($isTableCellNode(cell)) cell.setHeaderStyles(TableCellHeaderStates.ROW)
      }
      parentNode.remove()
      return
    }
    const row = $createTableRowNode()
    for (const text of cellsOf(line)) {
      row.append($createTableCellNode(TableCellHeaderStates.NO_STATUS).append($createParagraphNode().append($createTextNode(text))))
    }
    if (table) {
      table.append(row)
      parentNode.remove()
    } else {
      parentNode.replace($createTableNode().append(row))
    }
  },
}
