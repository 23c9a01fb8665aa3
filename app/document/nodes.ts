import type { Klass, LexicalNode } from 'lexical'
import { HeadingNode, QuoteNode } from '@lexical/rich-text'
import { ListItemNode, ListNode } from '@lexical/list'
import { AutoLinkNode, LinkNode } from '@lexical/link'
import { TableCellNode, TableNode, TableRowNode } from '@lexical/table'
import { HorizontalRuleNode } from '@lexical/extension'
import { MarkNode } from '@lexical/mark'
import { ChipNode } from '#app/document/nodes/ChipNode.ts'

/**
 * THE node list of a narrative: the browser editor and the server's headless editor (seeding,
 * derived text and outline) both use it, so the Yjs document means the same thing on both sides.
 * No React here: this module runs on the server.
 */
export const narrativeNodes: ReadonlyArray<Klass<LexicalNode>> = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  LinkNode,
  AutoLinkNode,
  TableNode,
  TableRowNode,
  TableCellNode,
  HorizontalRuleNode,
  MarkNode,
  ChipNode,
]
