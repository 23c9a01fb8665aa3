import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { createDOMRange } from '@lexical/selection'
import { syncCursorPositions, type Binding, type SyncCursorPositionsFn } from '@lexical/yjs'
import { $createRangeSelectionFromDom, $getNodeByKey } from 'lexical'
import { MessageSquarePlus } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { $encodeSelection, $resolveAnchor, fromBase64, toBase64 } from '#app/document/anchors.ts'
import { useCommentsSnapshot, type CommentsStore } from '#app/components/comments/comments-store.ts'

/**
 * CollaborationPlugin creates its Yjs binding internally; the cursor-sync hook it accepts is the
 * one place that receives it. This wraps the default cursor sync and keeps the binding, which
 * comment anchors need to map Lexical points to Yjs positions and back.
 */
export function createBindingCapture(onBinding: (binding: Binding) => void): SyncCursorPositionsFn {
  let known: Binding | null = null
  return (binding, provider, options) => {
    if (known !== binding) {
      known = binding as Binding
      onBinding(known)
    }
    syncCursorPositions(binding, provider, options)
  }
}

const IS_APPLE = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
/** The "comment on the selection" shortcut, for the button's tooltip and aria-keyshortcuts. */
export const COMMENT_SHORTCUT = IS_APPLE ? { label: '⌘⌥M', aria: 'Meta+Alt+M' } : { label: 'Ctrl+Alt+M', aria: 'Control+Alt+M' }

const HIGHLIGHT = 'accord-comment'
const HIGHLIGHT_ACTIVE = 'accord-comment-active'

function supportsHighlights() {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight !== 'undefined'
}

/**
 * Comments in the margin: offers "Comment" on a text selection (editors and commenters alike —
 * nothing is written into the document), and draws open threads' ranges as a CSS Custom
 * Highlight overlay resolved from their Yjs anchors after every change, local or remote.
 */
export function CommentsPlugin({
  store,
  binding,
  canComment,
  surface,
}: {
  store: CommentsStore
  binding: Binding | null
  canComment: boolean
  surface: HTMLElement | null
}) {
  const [editor] = useLexicalComposerContext()
  const { threads, activeThreadId, selection } = useCommentsSnapshot(store)
  const ranges = useRef(new Map<string, Range>())
  const [button, setButton] = useState<{ top: number; left: number } | null>(null)

  // Resolve every open thread's anchors to DOM ranges and draw them.
  useEffect(() => {
    if (!binding) return
    let frame = 0
    const draw = () => {
      frame = 0
      const next = new Map<string, Range>()
      const placement: Record<string, number | null> = {}
      editor.read(() => {
        for (const thread of threads) {
          const resolved = $resolveAnchor(binding, fromBase64(thread.anchorStart), fromBase64(thread.anchorEnd), thread.quote)
          const anchorNode = resolved && $getNodeByKey(resolved.anchorKey)
          const focusNode = resolved && $getNodeByKey(resolved.focusKey)
          const range =
            resolved && anchorNode && focusNode
              ? createDOMRange(editor, anchorNode, resolved.anchorOffset, focusNode, resolved.focusOffset)
              : null
          if (range && !range.collapsed) next.set(thread.id, range)
          else placement[thread.id] = null
        }
      })
      // Document order: by position on the page, top to bottom.
      const ordered = [...next.entries()].sort(([, a], [, b]) => a.compareBoundaryPoints(Range.START_TO_START, b))
      ordered.forEach(([id], index) => (placement[id] = index))
      ranges.current = next
      store.update({ placement })
      if (supportsHighlights()) {
        const active = activeThreadId ? next.get(activeThreadId) : undefined
        CSS.highlights.set(HIGHLIGHT, new Highlight(...[...next.entries()].filter(([id]) => id !== activeThreadId).map(([, r]) => r)))
        if (active) CSS.highlights.set(HIGHLIGHT_ACTIVE, new Highlight(active))
        else CSS.highlights.delete(HIGHLIGHT_ACTIVE)
      }
    }
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw)
    }
    schedule()
    const stop = editor.registerUpdateListener(schedule)
    return () => {
      stop()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [editor, binding, threads, activeThreadId, store])

  useEffect(
    () => () => {
      if (!supportsHighlights()) return
      CSS.highlights.delete(HIGHLIGHT)
      CSS.highlights.delete(HIGHLIGHT_ACTIVE)
    },
    [],
  )

  // Scroll a thread's text into view when the panel asks; focus the text when it is done.
  useEffect(() => {
    store.revealThread = (id) => {
      const range = ranges.current.get(id)
      if (!range) return
      range.startContainer.parentElement?.scrollIntoView({ block: 'center', behavior: 'smooth' })
      // Editors land in the text with the caret at the start of the quote, so the keyboard can
      // carry on from there (read-only text cannot take a caret).
      const root = editor.getRootElement()
      if (root?.isContentEditable) {
        root.focus({ preventScroll: true })
        window.getSelection()?.collapse(range.startContainer, range.startOffset)
      }
    }
    store.focusText = () => editor.getRootElement()?.focus({ preventScroll: true })
    return () => {
      store.revealThread = () => {}
      store.focusText = () => {}
    }
  }, [store, editor])

  // A click on highlighted text opens its thread.
  useEffect(() => {
    const root = editor.getRootElement()
    if (!root) return
    const onClick = (event: MouseEvent) => {
      const hit = [...ranges.current.entries()].find(([, range]) =>
        [...range.getClientRects()].some(
          (r) => event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom,
        ),
      )
      if (hit) store.activate(hit[0], true)
    }
    root.addEventListener('click', onClick)
    return () => root.removeEventListener('click', onClick)
  }, [editor, store])

  // The selection a new comment would anchor to. Read from the DOM, so it works while the editor
  // is read-only too (commenters).
  useEffect(() => {
    if (!canComment || !binding) return
    const onSelectionChange = () => {
      const root = editor.getRootElement()
      const dom = window.getSelection()
      if (!root || !dom || dom.rangeCount === 0 || dom.isCollapsed || !root.contains(dom.anchorNode) || !root.contains(dom.focusNode)) {
        store.update({ selection: null })
        return
      }
      const encoded = editor.read(() => {
        const range = $createRangeSelectionFromDom(dom, editor)
        return range ? $encodeSelection(binding, range) : null
      })
      store.update({
        selection: encoded ? { anchorStart: toBase64(encoded.start), anchorEnd: toBase64(encoded.end), quote: encoded.quote } : null,
      })
      if (encoded && surface) {
        const rect = dom.getRangeAt(0).getBoundingClientRect()
        const box = surface.getBoundingClientRect()
        setButton({ top: rect.bottom - box.top + 8, left: Math.max(0, rect.right - box.left - 40) })
      }
    }
    // Mod+Alt+M comments on the selection (as in Google Docs). A DOM listener rather than a
    // Lexical command: commands are not dispatched while the editor is read-only, and commenters
    // use it. The selection is read again first: selectionchange may not have fired yet.
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = IS_APPLE ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
      if (!mod || !event.altKey || event.shiftKey || event.code !== 'KeyM') return
      event.preventDefault()
      onSelectionChange()
      store.startDraft()
    }
    const root = editor.getRootElement()
    document.addEventListener('selectionchange', onSelectionChange)
    root?.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('selectionchange', onSelectionChange)
      root?.removeEventListener('keydown', onKeyDown)
    }
  }, [editor, binding, canComment, store, surface])

  if (!selection || !button || !surface) return null
  return createPortal(
    <button
      type="button"
      className="comment-on-selection"
      style={{ top: button.top, left: button.left }}
      aria-keyshortcuts={COMMENT_SHORTCUT.aria}
      title={`Comment (${COMMENT_SHORTCUT.label})`}
      // Keep the text selected while pressing the button.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => store.startDraft()}
    >
      <MessageSquarePlus size={14} aria-hidden />
      Comment
    </button>,
    surface,
  )
}
