import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $isHeadingNode } from '@lexical/rich-text'
import { $getNodeByKey, $getRoot } from 'lexical'
import { useEffect } from 'react'
import type { EditorSession, OutlineEntry } from '../collab/session-store.ts'

/**
 * Publishes the document's headings to the page's outline panel as they change (local typing
 * and remote edits alike), and lets the panel reveal a heading.
 */
export function OutlinePlugin({ session }: { session: EditorSession }) {
  const [editor] = useLexicalComposerContext()

  useEffect(() => {
    let previous: OutlineEntry[] = []
    const publish = () => {
      const outline = editor.getEditorState().read(() =>
        $getRoot()
          .getChildren()
          .filter($isHeadingNode)
          .map((heading) => ({ key: heading.getKey(), level: Number(heading.getTag().slice(1)), text: heading.getTextContent().trim() })),
      )
      const same =
        outline.length === previous.length &&
        outline.every((e, i) => e.key === previous[i]?.key && e.text === previous[i]?.text && e.level === previous[i]?.level)
      if (same) return
      previous = outline
      session.update({ outline })
    }
    // A pass over the top-level blocks per update is cheap (hundreds of blocks at most), and
    // unlike a HeadingNode mutation listener it also sees text typed inside a heading.
    publish()
    const unregister = editor.registerUpdateListener(publish)
    session.setHeadingScroller((key) => {
      const element = editor.getElementByKey(key)
      if (!element) return
      element.scrollIntoView({ behavior: 'smooth', block: 'start' })
      if (editor.isEditable()) {
        editor.update(() => $getNodeByKey(key)?.selectEnd())
        editor.focus(undefined, { defaultSelection: 'rootStart' })
      }
    })
    return () => {
      unregister()
      session.setHeadingScroller(null)
    }
  }, [editor, session])

  return null
}
