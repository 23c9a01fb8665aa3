import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $createHorizontalRuleNode, $isHorizontalRuleNode, HorizontalRuleNode, INSERT_HORIZONTAL_RULE_COMMAND } from '@lexical/extension'
import { $insertNodeToNearestRoot, mergeRegister } from '@lexical/utils'
import {
  $createNodeSelection,
  $getNodeFromDOMNode,
  $getSelection,
  $isNodeSelection,
  $isRangeSelection,
  $setSelection,
  CLICK_COMMAND,
  COMMAND_PRIORITY_EDITOR,
  COMMAND_PRIORITY_LOW,
  KEY_BACKSPACE_COMMAND,
  KEY_DELETE_COMMAND,
  isDOMNode,
} from 'lexical'
import { useEffect } from 'react'

/**
 * Horizontal rules with THE node list's `HorizontalRuleNode` from @lexical/extension. That node
 * renders its own `<hr>` (its `decorate()` returns null, so it needs no React), but its behaviour
 * lives in `HorizontalRuleExtension`, which a classic `LexicalComposer` does not run; the React
 * package's legacy plugin inserts its own subclass instead. So: insert, click to select, and
 * delete a selected rule here, and keep nodes.ts free of React.
 */
export function HorizontalRulePlugin() {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    const ruleKeys = new Set<string>()
    const $deleteSelectedRules = (event: KeyboardEvent) => {
      const selection = $getSelection()
      if (!$isNodeSelection(selection)) return false
      const rules = selection.getNodes().filter($isHorizontalRuleNode)
      if (rules.length === 0) return false
      event.preventDefault()
      for (const rule of rules) {
        const next = rule.getNextSibling() ?? rule.getPreviousSibling()
        rule.remove()
        next?.selectStart()
      }
      return true
    }
    return mergeRegister(
      editor.registerCommand(
        INSERT_HORIZONTAL_RULE_COMMAND,
        () => {
          const selection = $getSelection()
          if (!$isRangeSelection(selection)) return false
          $insertNodeToNearestRoot($createHorizontalRuleNode())
          return true
        },
        COMMAND_PRIORITY_EDITOR,
      ),
      editor.registerCommand(
        CLICK_COMMAND,
        (event) => {
          if (!isDOMNode(event.target)) return false
          const node = $getNodeFromDOMNode(event.target)
          if (!$isHorizontalRuleNode(node)) return false
          const selection = $createNodeSelection()
          selection.add(node.getKey())
          $setSelection(selection)
          return true
        },
        COMMAND_PRIORITY_LOW,
      ),
      editor.registerCommand(KEY_BACKSPACE_COMMAND, $deleteSelectedRules, COMMAND_PRIORITY_LOW),
      editor.registerCommand(KEY_DELETE_COMMAND, $deleteSelectedRules, COMMAND_PRIORITY_LOW),
      editor.registerMutationListener(
        HorizontalRuleNode,
        (mutations) => {
          for (const [key, mutation] of mutations) {
            if (mutation === 'destroyed') ruleKeys.delete(key)
            else ruleKeys.add(key)
          }
        },
        { skipInitialization: false },
      ),
      // Show which rule is selected (the node's DOM is a plain <hr>, so toggle a class).
      editor.registerUpdateListener(({ editorState }) => {
        if (ruleKeys.size === 0) return
        editorState.read(() => {
          const selection = $getSelection()
          const selected = new Set(
            $isNodeSelection(selection)
              ? selection
                  .getNodes()
                  .filter($isHorizontalRuleNode)
                  .map((n) => n.getKey())
              : [],
          )
          for (const key of ruleKeys) editor.getElementByKey(key)?.classList.toggle('doc-hr-selected', selected.has(key))
        })
      }),
    )
  }, [editor])
  useEffect(() => {
    if (!editor.hasNodes([HorizontalRuleNode])) throw new Error('HorizontalRulePlugin: HorizontalRuleNode is not registered on the editor')
  }, [editor])
  return null
}
