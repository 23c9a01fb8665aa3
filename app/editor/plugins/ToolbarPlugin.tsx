import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $isLinkNode } from '@lexical/link'
import { INSERT_TABLE_COMMAND } from '@lexical/table'
import { INSERT_HORIZONTAL_RULE_COMMAND } from '@lexical/extension'
import { $findMatchingParent, mergeRegister } from '@lexical/utils'
import * as Tooltip from '@radix-ui/react-tooltip'
import {
  $getSelection,
  $isRangeSelection,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_HIGH,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  KEY_DOWN_COMMAND,
  REDO_COMMAND,
  UNDO_COMMAND,
  type TextFormatType,
} from 'lexical'
import {
  Bold,
  Heading1,
  Heading2,
  Heading3,
  Italic,
  Link,
  List,
  ListChecks,
  ListOrdered,
  Pilcrow,
  Redo2,
  Minus,
  Strikethrough,
  Table,
  Quote,
  Underline,
  Undo2,
  type LucideIcon,
} from 'lucide-react'
import { Fragment, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { $blockTypeOfSelection, setBlockType, type BlockType } from '../blocks.ts'
import { OPEN_LINK_EDITOR_COMMAND } from '../commands.ts'

interface ToolbarState {
  block: BlockType
  formats: Record<'bold' | 'italic' | 'underline' | 'strikethrough', boolean>
  isLink: boolean
  canUndo: boolean
  canRedo: boolean
}

const INITIAL: ToolbarState = {
  block: 'paragraph',
  formats: { bold: false, italic: false, underline: false, strikethrough: false },
  isLink: false,
  canUndo: false,
  canRedo: false,
}

interface Tool {
  id: string
  label: string
  shortcut?: { label: string; aria: string }
  icon: LucideIcon
  /** Toggle buttons report their state with aria-pressed; actions (undo, insert) do not. */
  pressed?: boolean
  disabled?: boolean
  /** Where the work goes on after a keyboard press: the link field, or the inserted table / rule. */
  leavesToolbar?: boolean
  run: () => void
}

/**
 * The formatting toolbar: one tab stop (role="toolbar", arrow keys move between buttons — the
 * WAI-ARIA toolbar pattern), every button labelled, toggles exposing aria-pressed. Tab inside
 * the text indents, so Alt+F10 (as in TinyMCE and Word online) jumps from the text to the toolbar
 * and Escape goes back to the text with its selection.
 */
export function ToolbarPlugin() {
  const [editor] = useLexicalComposerContext()
  const [state, setState] = useState<ToolbarState>(INITIAL)
  const isMac = useIsMac()
  const keys = (combo: string) => shortcutLabel(combo, isMac)

  useEffect(() => {
    const readSelection = () => {
      const selection = $getSelection()
      if (!$isRangeSelection(selection)) return
      const node = selection.anchor.getNode()
      const block = $blockTypeOfSelection()
      const formats = {
        bold: selection.hasFormat('bold'),
        italic: selection.hasFormat('italic'),
        underline: selection.hasFormat('underline'),
        strikethrough: selection.hasFormat('strikethrough'),
      }
      const isLink = $findMatchingParent(node, $isLinkNode) !== null
      setState((prev) =>
        prev.block === block &&
        prev.isLink === isLink &&
        (Object.keys(formats) as (keyof typeof formats)[]).every((k) => prev.formats[k] === formats[k])
          ? prev
          : { ...prev, block, formats, isLink },
      )
    }
    return mergeRegister(
      editor.registerUpdateListener(({ editorState }) => editorState.read(readSelection)),
      editor.registerCommand(
        CAN_UNDO_COMMAND,
        (canUndo) => {
          setState((prev) => (prev.canUndo === canUndo ? prev : { ...prev, canUndo }))
          return false
        },
        COMMAND_PRIORITY_LOW,
      ),
      editor.registerCommand(
        CAN_REDO_COMMAND,
        (canRedo) => {
          setState((prev) => (prev.canRedo === canRedo ? prev : { ...prev, canRedo }))
          return false
        },
        COMMAND_PRIORITY_LOW,
      ),
    )
  }, [editor])

  // Focus the text first: Lexical's focus() only re-applies its selection to the DOM.
  const backToText = useCallback(() => {
    editor.getRootElement()?.focus({ preventScroll: true })
    editor.focus()
  }, [editor])
  const { toolbarRef, tabStop, setTabStop, onKeyDown } = useRovingFocus(backToText)

  useEffect(
    () =>
      editor.registerCommand(
        KEY_DOWN_COMMAND,
        (event) => {
          if (event.key !== 'F10' || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false
          const buttons = toolbarRef.current?.querySelectorAll<HTMLButtonElement>('button.toolbar-button')
          const target = buttons?.[tabStop] ?? buttons?.[0]
          if (!target) return false
          event.preventDefault()
          target.focus()
          return true
        },
        COMMAND_PRIORITY_HIGH,
      ),
    [editor, toolbarRef, tabStop],
  )

  const format = useCallback((f: TextFormatType) => editor.dispatchCommand(FORMAT_TEXT_COMMAND, f), [editor])
  const block = useCallback((target: Exclude<BlockType, 'other'>) => setBlockType(editor, target, state.block), [editor, state.block])

  const groups: Tool[][] = [
    [
      {
        id: 'undo',
        label: 'Undo',
        shortcut: keys('Mod+Z'),
        icon: Undo2,
        disabled: !state.canUndo,
        run: () => editor.dispatchCommand(UNDO_COMMAND, undefined),
      },
      {
        id: 'redo',
        label: 'Redo',
        shortcut: keys('Mod+Shift+Z'),
        icon: Redo2,
        disabled: !state.canRedo,
        run: () => editor.dispatchCommand(REDO_COMMAND, undefined),
      },
    ],
    [
      {
        id: 'paragraph',
        label: 'Body text',
        shortcut: keys('Mod+Alt+0'),
        icon: Pilcrow,
        pressed: state.block === 'paragraph',
        run: () => block('paragraph'),
      },
      { id: 'h1', label: 'Heading 1', shortcut: keys('Mod+Alt+1'), icon: Heading1, pressed: state.block === 'h1', run: () => block('h1') },
      { id: 'h2', label: 'Heading 2', shortcut: keys('Mod+Alt+2'), icon: Heading2, pressed: state.block === 'h2', run: () => block('h2') },
      { id: 'h3', label: 'Heading 3', shortcut: keys('Mod+Alt+3'), icon: Heading3, pressed: state.block === 'h3', run: () => block('h3') },
    ],
    [
      { id: 'bold', label: 'Bold', shortcut: keys('Mod+B'), icon: Bold, pressed: state.formats.bold, run: () => format('bold') },
      { id: 'italic', label: 'Italic', shortcut: keys('Mod+I'), icon: Italic, pressed: state.formats.italic, run: () => format('italic') },
      {
        id: 'underline',
        label: 'Underline',
        shortcut: keys('Mod+U'),
        icon: Underline,
        pressed: state.formats.underline,
        run: () => format('underline'),
      },
      {
        id: 'strikethrough',
        label: 'Strikethrough',
        shortcut: keys('Mod+Shift+X'),
        icon: Strikethrough,
        pressed: state.formats.strikethrough,
        run: () => format('strikethrough'),
      },
    ],
    [
      { id: 'bullet', label: 'Bulleted list', icon: List, pressed: state.block === 'bullet', run: () => block('bullet') },
      { id: 'number', label: 'Numbered list', icon: ListOrdered, pressed: state.block === 'number', run: () => block('number') },
      { id: 'check', label: 'Checklist', icon: ListChecks, pressed: state.block === 'check', run: () => block('check') },
      { id: 'quote', label: 'Quote', icon: Quote, pressed: state.block === 'quote', run: () => block('quote') },
    ],
    [
      {
        id: 'link',
        label: 'Link',
        shortcut: keys('Mod+K'),
        icon: Link,
        pressed: state.isLink,
        leavesToolbar: true,
        run: () => editor.dispatchCommand(OPEN_LINK_EDITOR_COMMAND, undefined),
      },
      {
        id: 'table',
        label: 'Insert table',
        icon: Table,
        leavesToolbar: true,
        run: () =>
          editor.dispatchCommand(INSERT_TABLE_COMMAND, { rows: '3', columns: '3', includeHeaders: { rows: true, columns: false } }),
      },
      {
        id: 'hr',
        label: 'Insert divider',
        icon: Minus,
        leavesToolbar: true,
        run: () => editor.dispatchCommand(INSERT_HORIZONTAL_RULE_COMMAND, undefined),
      },
    ],
  ]

  let index = 0
  return (
    <Tooltip.Provider delayDuration={500} skipDelayDuration={200}>
      <div
        className="editor-toolbar"
        role="toolbar"
        aria-label="Formatting"
        aria-orientation="horizontal"
        aria-keyshortcuts="Alt+F10"
        ref={toolbarRef}
        onKeyDown={onKeyDown}
      >
        {groups.map((group, g) => (
          <Fragment key={g}>
            {g > 0 ? <span className="toolbar-sep" role="separator" aria-orientation="vertical" /> : null}
            {group.map((tool) => {
              const position = index++
              return (
                <Tooltip.Root key={tool.id}>
                  <Tooltip.Trigger asChild>
                    <button
                      type="button"
                      className="toolbar-button"
                      data-tool={tool.id}
                      aria-label={tool.label}
                      aria-pressed={tool.pressed}
                      aria-keyshortcuts={tool.shortcut?.aria}
                      // aria-disabled rather than disabled: the button stays focusable, so arrow
                      // keys never lose their place when undo becomes unavailable.
                      aria-disabled={tool.disabled || undefined}
                      tabIndex={position === tabStop ? 0 : -1}
                      onFocus={() => setTabStop(position)}
                      // Keep the caret (and the DOM selection) in the document on pointer clicks.
                      onMouseDown={(event) => event.preventDefault()}
                      onClick={(event) => {
                        if (!tool.disabled) tool.run()
                        // Enter or Space (detail 0): Lexical's update puts focus back in the text
                        // with the new selection; the toolbar keeps it, so formats can be combined.
                        const button = event.currentTarget
                        if (event.detail === 0 && !tool.leavesToolbar) requestAnimationFrame(() => button.focus())
                      }}
                    >
                      <tool.icon size={16} strokeWidth={2} aria-hidden />
                    </button>
                  </Tooltip.Trigger>
                  <Tooltip.Portal>
                    <Tooltip.Content className="tooltip" side="bottom" sideOffset={6}>
                      {tool.label}
                      {tool.shortcut ? <kbd>{tool.shortcut.label}</kbd> : null}
                    </Tooltip.Content>
                  </Tooltip.Portal>
                </Tooltip.Root>
              )
            })}
          </Fragment>
        ))}
      </div>
    </Tooltip.Provider>
  )
}

/**
 * Arrow keys, Home and End move focus between the toolbar's buttons; Tab leaves the toolbar;
 * Escape calls `back` (the text).
 */
function useRovingFocus(back: () => void) {
  const toolbarRef = useRef<HTMLDivElement>(null)
  const [tabStop, setTabStop] = useState(0)
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const buttons = Array.from(toolbarRef.current?.querySelectorAll<HTMLButtonElement>('button.toolbar-button') ?? [])
      const current = buttons.indexOf(document.activeElement as HTMLButtonElement)
      if (current < 0) return
      if (event.key === 'Escape') {
        event.preventDefault()
        back()
        return
      }
      const next =
        event.key === 'ArrowRight'
          ? (current + 1) % buttons.length
          : event.key === 'ArrowLeft'
            ? (current - 1 + buttons.length) % buttons.length
            : event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? buttons.length - 1
                : null
      if (next === null) return
      event.preventDefault()
      setTabStop(next)
      buttons[next]?.focus()
    },
    [back],
  )
  return { toolbarRef, tabStop, setTabStop, onKeyDown }
}

/** Apple platforms show ⌘ ⇧ ⌥; others spell Ctrl+Shift+Alt (the toolbar renders in the browser only). */
function useIsMac(): boolean {
  return useMemo(() => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform), [])
}

/** `combo` like "Mod+Shift+Z" → what to show and the aria-keyshortcuts value. */
function shortcutLabel(combo: string, isMac: boolean): { label: string; aria: string } {
  const parts = combo.split('+')
  const mac: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥' }
  const label = isMac ? parts.map((p) => mac[p] ?? p).join('') : parts.map((p) => (p === 'Mod' ? 'Ctrl' : p)).join('+')
  const aria = parts.map((p) => (p === 'Mod' ? (isMac ? 'Meta' : 'Control') : p)).join('+')
  return { label, aria }
}
