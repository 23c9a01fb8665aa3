import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { HeadingNode, QuoteNode } from '@lexical/rich-text'
import { ListItemNode, ListNode } from '@lexical/list'
import { TableCellNode } from '@lexical/table'
import { mergeRegister } from '@lexical/utils'
import { ParagraphNode, TextNode, type ElementNode, type Klass, type LexicalEditor } from 'lexical'
import { useEffect } from 'react'

const BLOCKS: Klass<ElementNode>[] = [ParagraphNode, HeadingNode, QuoteNode, ListNode, ListItemNode, TableCellNode]

/**
 * Keeps inline CSS out of the document as it is written. No control of ours sets a style, but
 * text pasted from another Lexical editor carries its `style`, and the server refuses any
 * (app/document/schema.ts, close 1007): clearing it here means such a paste keeps its words and
 * formats and is saved, instead of being refused.
 */
export function PlainStylePlugin() {
  const [editor] = useLexicalComposerContext()
  useEffect(() => registerPlainStyles(editor), [editor])
  return null
}

/** The transforms behind PlainStylePlugin; returns their unregister. */
export function registerPlainStyles(editor: LexicalEditor): () => void {
  return mergeRegister(
    editor.registerNodeTransform(TextNode, (node) => {
      if (node.getStyle() !== '') node.setStyle('')
    }),
    ...BLOCKS.map((klass) =>
      editor.registerNodeTransform(klass, (node) => {
        if (node.getStyle() !== '') node.setStyle('')
        if (node.getTextStyle() !== '') node.setTextStyle('')
        if (node instanceof TableCellNode && node.getBackgroundColor() !== null) node.setBackgroundColor(null)
      }),
    ),
  )
}
