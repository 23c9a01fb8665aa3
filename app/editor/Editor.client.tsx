import { LexicalComposer, type InitialConfigType } from '@lexical/react/LexicalComposer'
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext'
import { CollaborationPlugin } from '@lexical/react/LexicalCollaborationPlugin'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { ContentEditable } from '@lexical/react/LexicalContentEditable'
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary'
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin'
import { ListPlugin } from '@lexical/react/LexicalListPlugin'
import { CheckListPlugin } from '@lexical/react/LexicalCheckListPlugin'
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin'
import { AutoLinkPlugin } from '@lexical/react/LexicalAutoLinkPlugin'
import { ClickableLinkPlugin } from '@lexical/react/LexicalClickableLinkPlugin'
import { TablePlugin } from '@lexical/react/LexicalTablePlugin'
import { TabIndentationPlugin } from '@lexical/react/LexicalTabIndentationPlugin'
import { MarkdownShortcutPlugin } from '@lexical/react/LexicalMarkdownShortcutPlugin'
import { autoLinkEmailMatcher, autoLinkUrlMatcher } from '@lexical/link'
import type { Binding, Provider } from '@lexical/yjs'
import type { Doc } from 'yjs'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { colourFor } from '#app/utils/colour.ts'
import { narrativeNodes } from '#app/document/nodes.ts'
import { narrativeTheme } from './theme.ts'
import { NARRATIVE_TRANSFORMERS } from '#app/document/markdown.ts'
import { createNarrativeProvider } from './collab/provider.ts'
import { useSessionSnapshot, type EditorSession } from './collab/session-store.ts'
import { isSafeHref } from '#app/document/schema.ts'
import { LinkEditorPlugin } from './plugins/LinkEditorPlugin.tsx'
import { ToolbarPlugin } from './plugins/ToolbarPlugin.tsx'
import { ShortcutsPlugin } from './plugins/ShortcutsPlugin.tsx'
import { HorizontalRulePlugin } from './plugins/HorizontalRulePlugin.tsx'
import { PlainStylePlugin } from './plugins/PlainStylePlugin.tsx'
import { OutlinePlugin } from './plugins/OutlinePlugin.tsx'
import { CommentsPlugin, createBindingCapture } from './plugins/CommentsPlugin.tsx'
import type { CommentsStore } from '#app/components/comments/comments-store.ts'
import { DocumentSkeleton } from './DocumentSkeleton.tsx'
import { ChipTypeaheadPlugin } from './plugins/ChipTypeaheadPlugin.tsx'
import { ChipStatusPlugin } from './plugins/ChipStatusPlugin.tsx'
import type { ChipIdsStore } from './panels/evidence.ts'

export interface EditorProps {
  narrativeId: string
  user: { id: string; name: string }
  /** `can.edit` from the loader; false → read-only but still live (cursors, remote edits). */
  editable: boolean
  session: EditorSession
  /** Comment threads in the margin (highlights, "Comment" on a selection). */
  comments?: { store: CommentsStore; canComment: boolean }
  /** Live chips (`#` capability/system, `$` metric): the ids in the text, shared with the side panel. */
  chipIds?: ChipIdsStore
}

const LINK_MATCHERS = [autoLinkUrlMatcher, autoLinkEmailMatcher]

/**
 * The collaborative narrative editor. Browser only (`.client.tsx`: the classic compiler swaps it
 * for an empty module in the server build), mounted by `NarrativePage` after hydration.
 *
 * The Yjs document is the source of truth: `editorState: null` leaves Lexical empty until the
 * first sync, `shouldBootstrap={false}` because the server seeds new narratives from their
 * template (a client bootstrap duplicates content when two people open a new narrative at once),
 * and no HistoryPlugin — CollaborationPlugin's Yjs undo manager only undoes your own changes.
 */
export default function Editor({ narrativeId, user, editable, session, comments, chipIds }: EditorProps) {
  const [initialConfig] = useState<InitialConfigType>(() => ({
    namespace: `narrative-${narrativeId}`,
    nodes: narrativeNodes,
    editorState: null,
    editable,
    theme: narrativeTheme,
    onError(error) {
      // Surface the problem without taking the page down; the error boundary keeps the text.
      console.error(error)
    },
  }))

  // Stable identities matter: CollaborationPlugin re-initialises awareness (and reconnects)
  // whenever the factory or the awareness data object changes.
  const providers = useRef(new Set<Provider>())
  // Rights can change while the page is open (4205 → the loader revalidates); the provider reads
  // the current value instead of being re-created under the editor.
  const editableRef = useRef(editable)
  editableRef.current = editable
  const providerFactory = useCallback(
    (id: string, yjsDocMap: Map<string, Doc>) => {
      const provider = createNarrativeProvider(id, yjsDocMap, { session, userId: user.id, isReadOnly: () => !editableRef.current })
      providers.current.add(provider)
      return provider
    },
    [session, user.id],
  )
  useProviderCleanup(providers.current)

  const awarenessData = useMemo(() => ({ userId: user.id }), [user.id])
  const cursorColor = useMemo(() => colourFor(user.id), [user.id])
  const cursorsContainerRef = useRef<HTMLDivElement>(null)
  const [surface, setSurface] = useState<HTMLDivElement | null>(null)
  const { synced } = useSessionSnapshot()
  // The Yjs binding, for comment anchors (stable: CollaborationPlugin re-binds when it changes).
  const [binding, setBinding] = useState<Binding | null>(null)
  const [syncCursorPositionsFn] = useState(() => createBindingCapture(setBinding))

  return (
    <LexicalCollaboration>
      <LexicalComposer initialConfig={initialConfig}>
        {editable ? <ToolbarPlugin /> : null}
        <div className="editor-surface" ref={setSurface} data-synced={synced || undefined}>
          <RichTextPlugin
            contentEditable={
              <ContentEditable
                className="editor-content"
                aria-label="Narrative text"
                aria-multiline
                aria-readonly={!editable || undefined}
                aria-placeholder="Start writing your narrative…"
                aria-describedby={`${narrativeId}-keys`}
                placeholder={(isEditable) =>
                  synced && isEditable ? <div className="editor-placeholder">Start writing your narrative…</div> : null
                }
              />
            }
            ErrorBoundary={LexicalErrorBoundary}
          />
          <p id={`${narrativeId}-keys`} className="visually-hidden">
            {keyboardHint(editable, comments?.canComment ?? false)}
          </p>
          {/* Remote carets and selections are positioned relative to the surface. */}
          <div ref={cursorsContainerRef} className="editor-cursors" aria-hidden="true" />
          {!synced ? <DocumentSkeleton /> : null}
        </div>
        <CollaborationPlugin
          id={narrativeId}
          providerFactory={providerFactory}
          shouldBootstrap={false}
          username={user.name}
          cursorColor={cursorColor}
          cursorsContainerRef={cursorsContainerRef}
          awarenessData={awarenessData}
          syncCursorPositionsFn={syncCursorPositionsFn}
        />
        <EditablePlugin editable={editable} />
        <ListPlugin />
        <CheckListPlugin />
        <LinkPlugin validateUrl={isSafeHref} attributes={{ rel: 'noreferrer noopener', target: '_blank' }} />
        <AutoLinkPlugin matchers={LINK_MATCHERS} />
        <ClickableLinkPlugin newTab />
        <TablePlugin hasCellMerge={false} hasCellBackgroundColor={false} hasHorizontalScroll />
        <HorizontalRulePlugin />
        <TabIndentationPlugin maxIndent={5} />
        <PlainStylePlugin />
        <MarkdownShortcutPlugin transformers={NARRATIVE_TRANSFORMERS} />
        <ShortcutsPlugin />
        <LinkEditorPlugin anchor={surface} />
        <OutlinePlugin session={session} />
        {editable ? <ChipTypeaheadPlugin /> : null}
        {chipIds ? <ChipStatusPlugin narrativeId={narrativeId} store={chipIds} /> : null}
        {comments ? <CommentsPlugin store={comments.store} binding={binding} canComment={comments.canComment} surface={surface} /> : null}
      </LexicalComposer>
    </LexicalCollaboration>
  )
}

/** The keys that are not obvious, read out with the text field (Tab indents inside it). */
function keyboardHint(editable: boolean, canComment: boolean): string {
  const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? 'Command' : 'Control'
  return [
    editable ? 'Alt+F10 moves to the formatting toolbar.' : null,
    canComment ? `${mod}+Alt+M comments on the selected text.` : null,
    editable ? 'Escape then Tab leaves the text.' : null,
  ]
    .filter(Boolean)
    .join(' ')
}

/** Follows `can.edit` after mount (e.g. the loader revalidated after a permission change). */
function EditablePlugin({ editable }: { editable: boolean }) {
  const [editor] = useLexicalComposerContext()
  useEffect(() => editor.setEditable(editable), [editor, editable])
  return null
}

/**
 * CollaborationPlugin only disconnects its provider; destroy ours (timers, listeners) when the
 * editor really goes away. Deferred a tick because React StrictMode unmounts and remounts
 * effects once in development, and the plugin keeps using the same provider after that.
 */
function useProviderCleanup(providers: Set<Provider>) {
  const mounts = useRef(0)
  useEffect(() => {
    mounts.current++
    return () => {
      mounts.current--
      setTimeout(() => {
        // Deliberately the live value: a remount in between means the editor is still in use.
        // eslint-disable-next-line react-hooks/exhaustive-deps
        if (mounts.current > 0) return
        for (const provider of providers) (provider as unknown as { destroy(): void }).destroy()
        providers.clear()
      }, 0)
    }
  }, [providers])
}
