import { $createHeadingNode, $createQuoteNode, $isHeadingNode, $isQuoteNode, type HeadingTagType } from '@lexical/rich-text'
import {
  $isListNode,
  INSERT_CHECK_LIST_COMMAND,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  ListNode,
  REMOVE_LIST_COMMAND,
} from '@lexical/list'
import { $setBlocksType } from '@lexical/selection'
import { $findMatchingParent, $getNearestNodeOfType } from '@lexical/utils'
import { $createParagraphNode, $getSelection, $isRangeSelection, $isRootOrShadowRoot, type LexicalEditor, type LexicalNode } from 'lexical'

/** The kinds of block the toolbar shows and toggles. */
export type BlockType = 'paragraph' | 'h1' | 'h2' | 'h3' | 'quote' | 'bullet' | 'number' | 'check' | 'other'

/** The block type at the selection's anchor (inside `read`/`update`). */
export function $blockTypeOfSelection(): BlockType {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return 'other'
  const anchor = selection.anchor.getNode()
  const block: LexicalNode | null =
    anchor.getKey() === 'root'
      ? null
      : $findMatchingParent(anchor, (node) => {
          const parent = node.getParent()
          return parent !== null && $isRootOrShadowRoot(parent)
        })
  if (block === null) return 'other'
  if ($isListNode(block)) {
    // The nearest list decides (a bulleted list nested in a numbered one is "bullet").
    const list = $getNearestNodeOfType(anchor, ListNode) ?? block
    const type = list.getListType()
    return type === 'bullet' ? 'bullet' : type === 'number' ? 'number' : 'check'
  }
  if ($isHeadingNode(block)) {
    const tag = block.getTag()
    return tag === 'h1' || tag === 'h2' || tag === 'h3' ? tag : 'other'
  }
  if ($isQuoteNode(block)) return 'quote'
  if (block.getType() === 'paragraph') return 'paragraph'
  return 'other'
}

/**
 * Turns the selected blocks into `target`; choosing the current type again goes back to a
 * paragraph, as in Google Docs and Notion.
 */
export function setBlockType(editor: LexicalEditor, target: Exclude<BlockType, 'other'>, current: BlockType): void {
  const listCommands = { bullet: INSERT_UNORDERED_LIST_COMMAND, number: INSERT_ORDERED_LIST_COMMAND, check: INSERT_CHECK_LIST_COMMAND }
  if (target === 'bullet' || target === 'number' || target === 'check') {
    if (current === target) editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined)
    else editor.dispatchCommand(listCommands[target], undefined)
    return
  }
  editor.update(() => {
    const selection = $getSelection()
    if (!$isRangeSelection(selection)) return
    if (target === 'paragraph' || current === target) {
      $setBlocksType(selection, () => $createParagraphNode())
    } else if (target === 'quote') {
      $setBlocksType(selection, () => $createQuoteNode())
    } else {
      const tag: HeadingTagType = target
      $setBlocksType(selection, () => $createHeadingNode(tag))
    }
  })
}
