import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $createLinkNode, $isLinkNode, $toggleLink, formatUrl, type LinkNode } from '@lexical/link'
import { $findMatchingParent, mergeRegister } from '@lexical/utils'
import {
  $createTextNode,
  $getNodeByKey,
  $getSelection,
  $isRangeSelection,
  $setSelection,
  COMMAND_PRIORITY_LOW,
  KEY_ESCAPE_COMMAND,
  type BaseSelection,
  type LexicalNode,
} from 'lexical'
import { ExternalLink, Pencil, Unlink } from 'lucide-react'
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { createPortal } from 'react-dom'
import { isSafeHref } from '#app/document/schema.ts'
import { OPEN_LINK_EDITOR_COMMAND } from '../commands.ts'

type Mode = { kind: 'closed' } | { kind: 'view'; url: string; linkKey: string } | { kind: 'edit'; url: string; linkKey: string | null }

interface Position {
  top: number
  left: number
}

/** What people type ("acme.com/plan", "ana@acme.com") → a URL, or null when it can't be one. */
export function normaliseUrl(input: string): string | null {
  const text = input.trim()
  if (text === '') return null
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text)) return `mailto:${text}`
  const url = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : formatUrl(text)
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`
  return isSafeHref(withScheme) ? withScheme : null
}

function $linkAround(node: LexicalNode): LinkNode | null {
  return $isLinkNode(node) ? node : $findMatchingParent(node, $isLinkNode)
}

/**
 * A small popover for links, no prompt(): Ctrl/⌘-K or the toolbar opens an input at the
 * selection; with the caret inside a link it shows the address with Open / Edit / Remove.
 * Rendered into `anchor` (the positioned document surface) so it scrolls with the text.
 */
export function LinkEditorPlugin({ anchor }: { anchor: HTMLElement | null }) {
  const [editor] = useLexicalComposerContext()
  const [mode, setMode] = useState<Mode>({ kind: 'closed' })
  const [position, setPosition] = useState<Position | null>(null)
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | null>(null)
  const savedSelection = useRef<BaseSelection | null>(null)
  const inputRef = useRef<HTMLInputElement>(null)
  const modeRef = useRef(mode)
  modeRef.current = mode
  const inputId = useId()

  const positionAt = useCallback(
    (rect: DOMRect | null) => {
      if (!anchor || !rect) return setPosition(null)
      const box = anchor.getBoundingClientRect()
      setPosition({ top: rect.bottom - box.top + 8, left: Math.max(0, Math.min(rect.left - box.left, box.width - 340)) })
    },
    [anchor],
  )

  useEffect(() => {
    return mergeRegister(
      editor.registerUpdateListener(({ editorState }) => {
        if (modeRef.current.kind === 'edit') return
        editorState.read(() => {
          const selection = $getSelection()
          const link = $isRangeSelection(selection) ? $linkAround(selection.anchor.getNode()) : null
          const focusLink = $isRangeSelection(selection) ? $linkAround(selection.focus.getNode()) : null
          if (link === null || focusLink?.getKey() !== link.getKey() || !editor.getRootElement()?.contains(document.activeElement)) {
            if (modeRef.current.kind === 'view') setMode({ kind: 'closed' })
            return
          }
          setMode({ kind: 'view', url: link.getURL(), linkKey: link.getKey() })
          positionAt(editor.getElementByKey(link.getKey())?.getBoundingClientRect() ?? null)
        })
      }),
      editor.registerCommand(
        OPEN_LINK_EDITOR_COMMAND,
        () => {
          if (!editor.isEditable()) return false
          const selection = $getSelection()
          if (!$isRangeSelection(selection)) return false
          const link = $linkAround(selection.anchor.getNode())
          savedSelection.current = selection.clone()
          const url = link?.getURL() ?? ''
          setDraft(url)
          setError(null)
          setMode({ kind: 'edit', url, linkKey: link?.getKey() ?? null })
          const domRange = window.getSelection()?.rangeCount ? window.getSelection()!.getRangeAt(0) : null
          const rect = link
            ? (editor.getElementByKey(link.getKey())?.getBoundingClientRect() ?? null)
            : (domRange?.getBoundingClientRect() ?? null)
          positionAt(rect)
          return true
        },
        COMMAND_PRIORITY_LOW,
      ),
      editor.registerCommand(
        KEY_ESCAPE_COMMAND,
        () => {
          if (modeRef.current.kind !== 'view') return false
          setMode({ kind: 'closed' })
          return true
        },
        COMMAND_PRIORITY_LOW,
      ),
    )
  }, [editor, positionAt])

  useEffect(() => {
    if (mode.kind === 'edit') inputRef.current?.focus()
  }, [mode.kind])

  // The popover is placed once per selection change; a resize reflows the text under it.
  useEffect(() => {
    if (mode.kind !== 'view') return
    const close = () => setMode({ kind: 'closed' })
    window.addEventListener('resize', close)
    return () => window.removeEventListener('resize', close)
  }, [mode.kind])

  const close = useCallback(() => {
    setMode({ kind: 'closed' })
    savedSelection.current = null
    editor.focus()
  }, [editor])

  const apply = (event: FormEvent) => {
    event.preventDefault()
    if (mode.kind !== 'edit') return
    const url = normaliseUrl(draft)
    if (draft.trim() !== '' && url === null) {
      setError('Enter a web address (https://…) or an email address.')
      return
    }
    editor.update(() => {
      const saved = savedSelection.current
      if (saved === null) return
      $setSelection(saved.clone())
      const selection = $getSelection()
      if (!$isRangeSelection(selection)) return
      const link = $linkAround(selection.anchor.getNode())
      if (url === null) {
        if (link) $unwrap(link)
        else $toggleLink(null)
      } else if (selection.isCollapsed() && link) {
        link.setURL(url)
      } else if (selection.isCollapsed()) {
        // Nothing selected: insert the address itself as the link text.
        const node = $createLinkNode(url).append($createTextNode(draft.trim()))
        selection.insertNodes([node])
        node.selectEnd()
      } else {
        $toggleLink(url)
      }
    })
    close()
  }

  const remove = () => {
    editor.update(() => {
      const key = mode.kind === 'closed' ? null : mode.linkKey
      if (key === null) return
      const link = $getNodeByKey(key)
      if ($isLinkNode(link)) $unwrap(link)
    })
    close()
  }

  if (mode.kind === 'closed' || !anchor || !position) return null

  return createPortal(
    <div
      className="link-popover"
      style={{ top: position.top, left: position.left }}
      role={mode.kind === 'edit' ? 'dialog' : 'group'}
      aria-label={mode.kind === 'edit' ? 'Edit link' : 'Link'}
      onMouseDown={(event) => {
        // Clicks on the popover's chrome must not take the caret out of the document.
        if (!(event.target instanceof HTMLInputElement)) event.preventDefault()
      }}
    >
      {mode.kind === 'view' ? (
        <>
          <a className="link-popover-url" href={isSafeHref(mode.url) ? mode.url : undefined} target="_blank" rel="noreferrer noopener">
            <ExternalLink size={14} aria-hidden />
            <span>{mode.url}</span>
          </a>
          {editor.isEditable() ? (
            <>
              <button
                type="button"
                className="icon-button"
                aria-label="Edit link"
                onClick={() => editor.dispatchCommand(OPEN_LINK_EDITOR_COMMAND, undefined)}
              >
                <Pencil size={14} aria-hidden />
              </button>
              <button type="button" className="icon-button" aria-label="Remove link" onClick={remove}>
                <Unlink size={14} aria-hidden />
              </button>
            </>
          ) : null}
        </>
      ) : (
        <form className="link-popover-form" onSubmit={apply}>
          <label className="visually-hidden" htmlFor={inputId}>
            Link address
          </label>
          <input
            id={inputId}
            ref={inputRef}
            type="text"
            inputMode="url"
            placeholder="Paste or type a link"
            value={draft}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
            onChange={(event) => {
              setDraft(event.target.value)
              setError(null)
            }}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault()
                close()
              }
            }}
          />
          <button type="submit" className="button small">
            {mode.linkKey ? 'Update' : 'Link'}
          </button>
          {mode.linkKey ? (
            <button type="button" className="icon-button" aria-label="Remove link" onClick={remove}>
              <Unlink size={14} aria-hidden />
            </button>
          ) : null}
          {error ? (
            <p className="link-popover-error" id={`${inputId}-error`} role="alert">
              {error}
            </p>
          ) : null}
        </form>
      )}
    </div>,
    anchor,
  )
}

/** Replaces a link by its text (keeps the words, drops the address). */
function $unwrap(link: LinkNode) {
  for (const child of link.getChildren()) link.insertBefore(child)
  link.remove()
}
