import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { COMMAND_PRIORITY_NORMAL, FORMAT_TEXT_COMMAND, KEY_DOWN_COMMAND, $getSelection } from 'lexical'
import { useEffect } from 'react'
import { $blockTypeOfSelection, setBlockType } from '../blocks.ts'
import { OPEN_LINK_EDITOR_COMMAND } from '../commands.ts'

const HEADING_BY_CODE = { Digit0: 'paragraph', Digit1: 'h1', Digit2: 'h2', Digit3: 'h3' } as const

/**
 * Shortcuts Lexical does not bind itself (it already handles Mod-B/I/U and Mod-Z / Mod-Shift-Z):
 * Mod-K link, Mod-Shift-X strikethrough, Mod-Alt-0…3 body text and headings (as in Google Docs).
 */
export function ShortcutsPlugin() {
  const [editor] = useLexicalComposerContext()
  useEffect(() => {
    const isApple = /Mac|iPhone|iPad/.test(navigator.platform)
    return editor.registerCommand(
      KEY_DOWN_COMMAND,
      (event) => {
        const mod = isApple ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
        if (!mod || !editor.isEditable()) return false
        const key = event.key.toLowerCase()
        if (key === 'k' && !event.shiftKey && !event.altKey) {
          event.preventDefault()
          return editor.dispatchCommand(OPEN_LINK_EDITOR_COMMAND, undefined)
        }
        if (key === 'x' && event.shiftKey && !event.altKey) {
          event.preventDefault()
          return editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'strikethrough')
        }
        // event.code, not key: with Alt held, macOS turns "1" into "¡".
        const target = event.altKey && !event.shiftKey ? HEADING_BY_CODE[event.code as keyof typeof HEADING_BY_CODE] : undefined
        if (target !== undefined) {
          event.preventDefault()
          const current = editor.getEditorState().read(() => ($getSelection() === null ? 'other' : $blockTypeOfSelection()))
          setBlockType(editor, target, target === 'paragraph' ? 'other' : current)
          return true
        }
        return false
      },
      COMMAND_PRIORITY_NORMAL,
    )
  }, [editor])
  return null
}
