import { Link, useFetcher, useRevalidator, useSearchParams } from '@remix-run/react'
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import * as Tabs from '@radix-ui/react-tabs'
import {
  Archive,
  ArchiveRestore,
  BarChart3,
  CloudCheck,
  CloudOff,
  Ellipsis,
  Eye,
  History,
  ListTree,
  MessageSquare,
  LoaderCircle,
  PanelRightClose,
  PanelRightOpen,
  RefreshCw,
  ShieldCheck,
  TriangleAlert,
  Wifi,
  WifiOff,
  type LucideIcon,
} from 'lucide-react'
import { createContext, lazy, Suspense, useContext, useEffect, useRef, useState, type ComponentType, type KeyboardEvent } from 'react'
import { Avatar } from '#app/components/avatar.tsx'
import { StatusChip } from '#app/components/status-chip.tsx'
import {
  EditorSession,
  EditorSessionContext,
  useEditorSession,
  useSessionSnapshot,
  type ConnectionState,
  type OutlineEntry,
  type SaveState,
} from './collab/session-store.ts'
import { DocumentSkeleton } from './DocumentSkeleton.tsx'
import type { EditorProps } from './Editor.client.tsx'
import type { NarrativePageData } from './types.ts'
import { CommentThreads } from '#app/components/comments/CommentThreads.tsx'
import { CommentsStore, useCommentsSnapshot } from '#app/components/comments/comments-store.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import { ChipIdsStore } from './panels/evidence.ts'
import { FeasibilityPanel } from './panels/FeasibilityPanel.tsx'
import { MetricsPanel } from './panels/MetricsPanel.tsx'
import { VersionsPanel } from './panels/VersionsPanel.tsx'

// The stylesheet's links live in ./styles.ts: see the comment there.

// Loaded after hydration only: `*.client.tsx` is an empty module in the server build, and the
// editor (Lexical + Yjs) is the heaviest part of the page, so it gets its own chunk.
const Editor = lazy(() => import('./Editor.client.tsx')) as unknown as ComponentType<EditorProps>

const TEMPLATE_LABELS: Record<string, string> = {
  strategy: 'Strategy narrative',
  prfaq: 'PR/FAQ',
  qbr: 'Quarterly business review',
  blank: 'Blank',
}

/**
 * The narrative page: header (title, status, owner, presence, connection and save state), the
 * live document at a readable measure, and a right panel of tabs (Outline now; Comments,
 * Feasibility, Metrics and Versions later). Safe to render on the server: the editor itself
 * mounts in the browser, with a skeleton until then.
 */
export function NarrativePage({ data }: { data: NarrativePageData }) {
  const [session] = useState(
    () => new EditorSession({ outline: data.narrative.outline.map((entry) => ({ key: null, level: entry.level, text: entry.text })) }),
  )
  const [comments] = useState(() => new CommentsStore())
  const [chipIds] = useState(() => new ChipIdsStore())
  return (
    <EditorSessionContext.Provider value={session}>
      <CommentsContext.Provider value={{ data, store: comments }}>
        <ChipsContext.Provider value={chipIds}>
          <NarrativeLayout data={data} />
        </ChipsContext.Provider>
      </CommentsContext.Provider>
    </EditorSessionContext.Provider>
  )
}

/** The ids of the chips in the text: the editor writes them, the Feasibility and Metrics tabs read their status. */
const ChipsContext = createContext<ChipIdsStore | null>(null)

/** The comments of the page: loader data and the bridge to the editor's CommentsPlugin. */
const CommentsContext = createContext<{ data: NarrativePageData; store: CommentsStore } | null>(null)

/**
 * Keeps the editor's highlights in step with the loader's threads, follows `?thread=` from a
 * notification, and reloads the threads when someone comments (the workspace change feed).
 */
function useCommentsSync(data: NarrativePageData, store: CommentsStore) {
  const threads = data.comments?.threads
  useEffect(() => {
    store.update({
      threads: (threads ?? [])
        .filter((t) => !t.resolved && t.anchorStart && t.anchorEnd)
        .map((t) => ({ id: t.id, anchorStart: t.anchorStart!, anchorEnd: t.anchorEnd!, quote: t.quote, resolved: t.resolved })),
    })
  }, [threads, store])
  const [params] = useSearchParams()
  const linked = params.get('thread')
  useEffect(() => {
    if (linked) store.activate(linked, true)
  }, [linked, store])
  useWorkspaceEvents((event) => event.type === 'comments.changed' && event.narrativeId === data.narrative.id)
}

function NarrativeLayout({ data }: { data: NarrativePageData }) {
  const { narrative, user, can } = data
  const session = useEditorSession()
  const { refusal, notice } = useSessionSnapshot()
  const [mounted, setMounted] = useState(false)
  const { panelOpen, panelMode, togglePanel } = useSidePanel()
  useEffect(() => setMounted(true), [])
  useUnsavedChangesWarning(can.edit)
  useRevalidateOnPermissionChange()
  const comments = useContext(CommentsContext)!
  const chipIds = useContext(ChipsContext)!
  useCommentsSync(data, comments.store)

  return (
    <div className={`narrative-page panel-${panelMode}`}>
      <header className="narrative-header">
        <div className="narrative-heading">
          <nav aria-label="Breadcrumb" className="narrative-crumbs">
            <Link to="/narratives">Narratives</Link>
            <span aria-hidden="true">/</span>
            <span>{TEMPLATE_LABELS[narrative.template] ?? narrative.template}</span>
          </nav>
          <NarrativeTitle id={narrative.id} title={narrative.title} canRename={can.manage} />
          <p className="narrative-meta-line">
            <StatusChip status={narrative.status} />
            <span>Owner {narrative.ownerName}</span>
            <span aria-hidden="true">·</span>
            <span>
              Updated <LocalTime iso={narrative.updatedAt} />
            </span>
          </p>
        </div>
        <div className="narrative-actions">
          <PresenceList />
          <div className="narrative-indicators">
            <ConnectionIndicator />
            {can.edit ? <SaveIndicator /> : null}
          </div>
          {can.manage ? <NarrativeMenu status={narrative.status} /> : null}
          <button
            type="button"
            className="icon-button"
            aria-label={panelOpen ? 'Hide side panel' : 'Show side panel'}
            aria-expanded={panelOpen}
            aria-controls="narrative-panel"
            onClick={togglePanel}
          >
            {panelOpen ? <PanelRightClose size={18} aria-hidden /> : <PanelRightOpen size={18} aria-hidden />}
          </button>
        </div>
      </header>

      <div className="narrative-body">
        <div className="narrative-doc">
          {refusal ? (
            <div className="doc-banner danger" role="alert">
              <TriangleAlert size={18} aria-hidden />
              <div>
                <strong>{refusal.title}</strong>
                <p>{refusal.detail}</p>
              </div>
              {refusal.action ? (
                <a className="button small" href={refusal.action.href}>
                  {refusal.action.label}
                </a>
              ) : null}
            </div>
          ) : null}
          {notice && !refusal ? (
            <div className="doc-banner warning" role="status">
              <TriangleAlert size={18} aria-hidden />
              <p>{notice}</p>
            </div>
          ) : null}
          {!can.edit ? (
            <div className="doc-banner calm" role="note">
              <Eye size={18} aria-hidden />
              <p>
                {can.comment
                  ? 'You can read and comment; only editors change the text.'
                  : 'You can read this narrative; only editors change the text.'}
              </p>
            </div>
          ) : null}
          <article className="doc-page" aria-label={narrative.title}>
            {mounted ? (
              <Suspense fallback={<EditorPlaceholder withToolbar={can.edit} />}>
                <Editor
                  narrativeId={narrative.id}
                  user={user}
                  editable={can.edit}
                  session={session}
                  comments={data.comments ? { store: comments.store, canComment: can.comment } : undefined}
                  chipIds={chipIds}
                />
              </Suspense>
            ) : (
              <EditorPlaceholder withToolbar={can.edit} />
            )}
          </article>
        </div>

        <aside id="narrative-panel" className="narrative-panel" aria-label="Narrative details" hidden={!panelOpen}>
          <SidePanel />
        </aside>
      </div>
    </div>
  )
}

/**
 * The side panel starts open on wide screens and closed below 1200 px (CSS decides before
 * hydration, so nothing jumps); once someone toggles it, their choice wins.
 */
function useSidePanel() {
  const [panelMode, setPanelMode] = useState<'auto' | 'open' | 'closed'>('auto')
  const [wide, setWide] = useState(true)
  useEffect(() => {
    const query = window.matchMedia('(min-width: 1200px)')
    const update = () => setWide(query.matches)
    update()
    query.addEventListener('change', update)
    return () => query.removeEventListener('change', update)
  }, [])
  const panelOpen = panelMode === 'open' || (panelMode === 'auto' && wide)
  const togglePanel = () => setPanelMode(panelOpen ? 'closed' : 'open')
  return { panelOpen, panelMode, togglePanel }
}

/** The title as an inline field for those who may rename; plain heading for everyone else. */
function NarrativeTitle({ id, title, canRename }: { id: string; title: string; canRename: boolean }) {
  const fetcher = useFetcher<{ ok: boolean; errors?: { title?: string[] } }>()
  const [draft, setDraft] = useState(title)
  const committed = useRef(title)
  useEffect(() => {
    committed.current = title
    setDraft(title)
  }, [title])
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors?.title?.[0] : undefined

  if (!canRename) return <h1 className="doc-title">{title}</h1>

  const save = () => {
    const next = draft.trim()
    if (next === committed.current) return setDraft(committed.current)
    committed.current = next
    fetcher.submit({ intent: 'rename', title: next }, { method: 'post', action: `/narratives/${id}` })
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      event.currentTarget.blur()
    } else if (event.key === 'Escape') {
      setDraft(committed.current)
      requestAnimationFrame(() => (event.target as HTMLInputElement).blur())
    }
  }
  return (
    <div className="doc-title-field">
      <h1 className="doc-title">
        <input
          className="doc-title-input"
          value={draft}
          aria-label="Narrative title"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'doc-title-error' : undefined}
          maxLength={200}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={save}
          onKeyDown={onKeyDown}
        />
      </h1>
      {error ? (
        <p id="doc-title-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}

function NarrativeMenu({ status }: { status: NarrativePageData['narrative']['status'] }) {
  const fetcher = useFetcher()
  const archived = status === 'archived'
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="icon-button" aria-label="More actions">
        <Ellipsis size={18} aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Item
            className="menu-item"
            onSelect={() => fetcher.submit({ intent: archived ? 'restore' : 'archive' }, { method: 'post' })}
          >
            {archived ? <ArchiveRestore size={16} aria-hidden /> : <Archive size={16} aria-hidden />}
            {archived ? 'Restore narrative' : 'Archive narrative'}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}

/** Who is in the document right now, one avatar per person, from Yjs awareness. */
function PresenceList() {
  const { peers } = useSessionSnapshot()
  if (peers.length === 0) return null
  const shown = peers.slice(0, 5)
  const hidden = peers.length - shown.length
  return (
    <ul className="doc-presence" aria-label={`In this narrative now: ${peers.length} ${peers.length === 1 ? 'person' : 'people'}`}>
      {shown.map((peer) => (
        <li key={peer.userId} className="doc-presence-person" data-user-id={peer.userId}>
          <Avatar id={peer.userId} name={peer.name} title={peer.isSelf ? `${peer.name} (you)` : peer.name} />
          <span className="visually-hidden">{peer.isSelf ? `${peer.name} (you)` : peer.name}</span>
        </li>
      ))}
      {hidden > 0 ? (
        <li
          className="doc-presence-more"
          title={peers
            .slice(5)
            .map((p) => p.name)
            .join(', ')}
        >
          +{hidden}
        </li>
      ) : null}
    </ul>
  )
}

const CONNECTION: Record<ConnectionState, { label: string; icon: LucideIcon; tone: string; spin?: boolean }> = {
  connecting: { label: 'Connecting…', icon: LoaderCircle, tone: 'unknown', spin: true },
  connected: { label: 'Connected', icon: Wifi, tone: 'pass' },
  reconnecting: { label: 'Reconnecting…', icon: RefreshCw, tone: 'risk', spin: true },
  offline: { label: 'Offline', icon: WifiOff, tone: 'unknown' },
  refused: { label: 'Disconnected', icon: WifiOff, tone: 'fail' },
}

function ConnectionIndicator() {
  const { connection } = useSessionSnapshot()
  // A dropped socket that is back within a moment (the provider's 30 s idle watchdog, a server
  // restart) is not worth alarming anyone: "Reconnecting…" shows only once it lasts.
  const shown = useDelayedValue(connection, 'reconnecting', 1500)
  const c = CONNECTION[shown]
  return (
    <span className={`indicator ${c.tone}`} role="status" aria-live="polite" data-connection={shown}>
      <c.icon size={14} aria-hidden className={c.spin ? 'spin' : undefined} />
      {c.label}
    </span>
  )
}

const SAVE: Record<SaveState, { label: string; icon: LucideIcon; spin?: boolean }> = {
  saved: { label: 'All changes saved', icon: CloudCheck },
  saving: { label: 'Saving…', icon: LoaderCircle, spin: true },
  'offline-unsaved': { label: 'Not saved yet — will save when back online', icon: CloudOff },
}

/** "Saving…" stays up at least a moment, so fast acks don't make the header flicker. */
function SaveIndicator() {
  const { save } = useSessionSnapshot()
  const shown = useMinimumDisplay(save, 'saving', 600)
  const s = SAVE[shown]
  return (
    <span className={`indicator save-${shown}`} role="status" aria-live="polite" data-save={shown}>
      <s.icon size={14} aria-hidden className={s.spin ? 'spin' : undefined} />
      {s.label}
    </span>
  )
}

/**
 * Shows `sticky` for at least `ms` once it appears. Only the reassuring state is delayed:
 * "All changes saved" never shows before the server acknowledged everything.
 */
function useMinimumDisplay<T>(value: T, sticky: T, ms: number): T {
  const [shown, setShown] = useState(value)
  const since = useRef(0)
  useEffect(() => {
    if (value === sticky) {
      since.current = Date.now()
      setShown(value)
      return
    }
    const wait = shown === sticky ? ms - (Date.now() - since.current) : 0
    if (wait <= 0) {
      setShown(value)
      return
    }
    const timer = setTimeout(() => setShown(value), wait)
    return () => clearTimeout(timer)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value])
  return shown
}

/**
 * The server closes sockets with 4205 when someone's role changes; the provider reconnects by
 * itself, and the page reloads its loader data so `can` (toolbar, editable) follows.
 */
function useRevalidateOnPermissionChange() {
  const { permissionsChanged } = useSessionSnapshot()
  const revalidator = useRevalidator()
  const seen = useRef(permissionsChanged)
  useEffect(() => {
    if (permissionsChanged === seen.current) return
    seen.current = permissionsChanged
    revalidator.revalidate()
  }, [permissionsChanged, revalidator])
}

/** Like `value`, except that switching to `delayed` takes effect only after `ms`. */
function useDelayedValue<T>(value: T, delayed: T, ms: number): T {
  const [shown, setShown] = useState(value)
  useEffect(() => {
    if (value !== delayed) {
      setShown(value)
      return
    }
    const timer = setTimeout(() => setShown(value), ms)
    return () => clearTimeout(timer)
  }, [value, delayed, ms])
  return shown
}

/** The browser's "leave site?" prompt while local edits are not yet durable on the server. */
function useUnsavedChangesWarning(enabled: boolean) {
  const session = useEditorSession()
  useEffect(() => {
    if (!enabled) return
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (session.getSnapshot().save === 'saved') return
      event.preventDefault()
      // Older browsers need returnValue set to show the prompt.
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [enabled, session])
}

/** Tabs beside the text; Versions joins them later. */
const PANEL_TABS = [
  { id: 'outline', label: 'Outline', icon: ListTree, Content: OutlinePanel },
  { id: 'comments', label: 'Comments', icon: MessageSquare, Content: CommentsPanel },
  { id: 'feasibility', label: 'Feasibility', icon: ShieldCheck, Content: FeasibilityTab },
  { id: 'metrics', label: 'Metrics', icon: BarChart3, Content: MetricsTab },
  { id: 'versions', label: 'Versions', icon: History, Content: VersionsTab },
] as const

function VersionsTab() {
  const { data } = useContext(CommentsContext)!
  return <VersionsPanel narrativeId={data.narrative.id} />
}

function FeasibilityTab() {
  const { data } = useContext(CommentsContext)!
  return <FeasibilityPanel narrativeId={data.narrative.id} store={useContext(ChipsContext)!} />
}

function MetricsTab() {
  const { data } = useContext(CommentsContext)!
  return <MetricsPanel narrativeId={data.narrative.id} store={useContext(ChipsContext)!} />
}

function SidePanel() {
  const { store } = useContext(CommentsContext)!
  const { openPanel } = useCommentsSnapshot(store)
  const [tab, setTab] = useState<string>(PANEL_TABS[0].id)
  // "Comment" on a selection, a click on highlighted text or a notification link opens Comments.
  useEffect(() => {
    if (openPanel > 0) setTab('comments')
  }, [openPanel])
  return (
    <Tabs.Root className="panel-tabs" value={tab} onValueChange={setTab}>
      <Tabs.List className="panel-tab-list" aria-label="Side panel">
        {PANEL_TABS.map((tab) => (
          <Tabs.Trigger key={tab.id} value={tab.id} className="panel-tab">
            <tab.icon size={14} aria-hidden />
            {tab.label}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {PANEL_TABS.map((tab) => (
        <Tabs.Content key={tab.id} value={tab.id} className="panel-tab-content">
          <tab.Content />
        </Tabs.Content>
      ))}
    </Tabs.Root>
  )
}

function CommentsPanel() {
  const { data, store } = useContext(CommentsContext)!
  if (!data.comments) {
    return (
      <div className="panel-empty">
        <p>Comments are part of the working material; readers see approved text only.</p>
      </div>
    )
  }
  return (
    <CommentThreads
      threads={data.comments.threads}
      members={data.comments.members}
      canComment={data.can.comment}
      action={`/narratives/${data.narrative.id}`}
      store={store}
    />
  )
}

function OutlinePanel() {
  const session = useEditorSession()
  const { outline } = useSessionSnapshot()
  if (outline.length === 0) {
    return (
      <div className="panel-empty">
        <p>
          <strong>No headings yet</strong>
        </p>
        <p>Headings you add appear here, so anyone can jump to a section. Use H1–H3 in the toolbar, or type # and a space.</p>
      </div>
    )
  }
  const minLevel = Math.min(...outline.map((entry) => entry.level))
  return (
    <nav aria-label="Outline">
      <ol className="outline">
        {outline.map((entry: OutlineEntry, index) => (
          <li key={entry.key ?? `ssr-${index}`} className="outline-item" data-depth={Math.min(entry.level - minLevel, 2)}>
            {entry.key !== null ? (
              <button type="button" className="outline-link" onClick={() => session.scrollToHeading(entry.key!)}>
                {entry.text || 'Untitled section'}
              </button>
            ) : (
              <span className="outline-link pending">{entry.text || 'Untitled section'}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  )
}

/** Server-rendered stand-in with the editor's footprint, so the page does not jump on mount. */
function EditorPlaceholder({ withToolbar }: { withToolbar: boolean }) {
  return (
    <>
      {withToolbar ? <div className="editor-toolbar placeholder" aria-hidden="true" /> : null}
      <div className="editor-surface">
        <DocumentSkeleton />
      </div>
    </>
  )
}

/** A date in the viewer's locale; the server's rendering is replaced after hydration. */
function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState(() => new Date(iso).toISOString().slice(0, 10))
  useEffect(() => {
    setText(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)))
  }, [iso])
  return <time dateTime={iso}>{text}</time>
}
