import { useFetcher } from '@remix-run/react'
import { Ban, Check, MessageSquare, Pencil, RotateCcw, Trash2, TriangleAlert } from 'lucide-react'
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { Avatar } from '#app/components/avatar.tsx'
import type { ThreadView } from '#app/services/comments.server.ts'
import { useCommentsSnapshot, type CommentsStore } from './comments-store.ts'

export interface Member {
  id: string
  name: string
}

type Filter = 'open' | 'resolved' | 'all'

/**
 * Comment threads: the Comments tab of a narrative (with anchors, drafts from a selection and
 * "text removed") and the discussion of an initiative. Bodies are plain text: React escapes them,
 * and `@Name` of a member is shown as a mention.
 */
export function CommentThreads({
  threads,
  members,
  canComment,
  action,
  store,
  allowNewThread = false,
}: {
  threads: ThreadView[]
  members: Member[]
  canComment: boolean
  /** Where the fetchers post their intents. */
  action: string
  store?: CommentsStore
  /** Initiatives: a plain "start a discussion" box. */
  allowNewThread?: boolean
}) {
  const [filter, setFilter] = useState<Filter>('open')
  const list = useRef<HTMLOListElement>(null)
  const filterGroup = useRef<HTMLDivElement>(null)
  // A thread just started from the keyboard gets focus once it is in the list.
  const [focusId, setFocusId] = useState<string | null>(null)
  const snapshot = useCommentsSnapshot(store ?? FALLBACK_STORE)
  const placement = store ? snapshot.placement : NO_PLACEMENT
  const activeId = store ? snapshot.activeThreadId : null
  const open = threads.filter((t) => !t.resolved)
  const resolved = threads.filter((t) => t.resolved)
  const shown = useMemo(() => {
    const list = filter === 'open' ? open : filter === 'resolved' ? resolved : threads
    // Beside their text: in document order; threads whose text was removed go last.
    const rank = (t: ThreadView) => (t.anchorStart ? (placement[t.id] ?? Number.MAX_SAFE_INTEGER) : 0)
    return [...list].sort((a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt))
  }, [filter, open, resolved, threads, placement])

  // The thread that last held focus: when it leaves the list (resolved under the Open filter),
  // focus moves to the thread now in its place instead of falling back to the page.
  const lastFocused = useRef<{ id: string; index: number } | null>(null)
  useEffect(() => {
    const cards = Array.from(list.current?.querySelectorAll<HTMLElement>(':scope > .thread') ?? [])
    const focusCard = (card: HTMLElement | undefined) => (card?.querySelector<HTMLElement>('.thread-quote') ?? card)?.focus()
    if (focusId) {
      const card = cards.find((c) => c.dataset.threadId === focusId)
      if (!card) return
      focusCard(card)
      setFocusId(null)
    } else if (
      lastFocused.current &&
      document.activeElement === document.body &&
      !cards.some((c) => c.dataset.threadId === lastFocused.current?.id)
    ) {
      if (cards.length) focusCard(cards[Math.min(lastFocused.current.index, cards.length - 1)])
      else filterGroup.current?.querySelector<HTMLElement>('[aria-pressed="true"]')?.focus()
      lastFocused.current = null
    }
  }, [focusId, shown])

  // Opening a resolved thread from its notification shows it.
  useEffect(() => {
    if (activeId && resolved.some((t) => t.id === activeId) && filter === 'open') setFilter('all')
  }, [activeId, resolved, filter])

  return (
    <div className="comments">
      {store && snapshot.draft ? <DraftComposer store={store} members={members} action={action} onCreated={setFocusId} /> : null}
      {allowNewThread && canComment ? <NewThread members={members} action={action} /> : null}
      <div className="comments-filter" role="group" aria-label="Show threads" ref={filterGroup}>
        {(
          [
            ['open', `Open (${open.length})`],
            ['resolved', `Resolved (${resolved.length})`],
            ['all', 'All'],
          ] as const
        ).map(([value, label]) => (
          <button key={value} type="button" className="seg" aria-pressed={filter === value} onClick={() => setFilter(value)}>
            {label}
          </button>
        ))}
      </div>
      {shown.length === 0 && snapshot.draft && threads.length === 0 ? null : shown.length === 0 ? (
        <div className="panel-empty">
          {threads.length === 0 ? (
            <>
              <p>
                <strong>No comments yet</strong>
              </p>
              <p>
                {store
                  ? canComment
                    ? 'Select text in the narrative and choose Comment to start a thread beside it. Type @ and a name to notify someone.'
                    : 'Comments from the team appear here.'
                  : 'Questions and input on this initiative appear here.'}
              </p>
            </>
          ) : (
            <p>{filter === 'open' ? 'Every thread is resolved. Show resolved threads to find them.' : 'No resolved threads.'}</p>
          )}
        </div>
      ) : (
        <ol
          className="thread-list"
          ref={list}
          onKeyDown={moveBetweenThreads}
          onFocus={(event) => {
            const card = (event.target as HTMLElement).closest<HTMLElement>('.thread')
            const index = card ? Array.from(event.currentTarget.children).indexOf(card) : -1
            lastFocused.current = card && index >= 0 ? { id: card.dataset.threadId ?? '', index } : null
          }}
          onBlur={(event) => {
            const from = event.target as HTMLElement
            const to = event.relatedTarget as Node | null
            if (to && event.currentTarget.contains(to)) return
            // Focus really moved away unless its element was removed or disabled (Resolve while sending).
            requestAnimationFrame(() => {
              if (from.isConnected && !from.matches(':disabled')) lastFocused.current = null
            })
          }}
        >
          {shown.map((thread) => (
            <ThreadCard
              key={thread.id}
              thread={thread}
              members={members}
              canComment={canComment}
              action={action}
              active={thread.id === activeId}
              removed={Boolean(store && thread.anchorStart && placement[thread.id] === null)}
              onActivate={
                store
                  ? () => {
                      store.activate(thread.id)
                      store.revealThread(thread.id)
                    }
                  : undefined
              }
            />
          ))}
        </ol>
      )}
    </div>
  )
}

/**
 * Arrow keys on a thread's quote move to the previous or next thread's quote (Home / End: the
 * first and last), so the threads can be walked without tabbing through every reply button.
 */
function moveBetweenThreads(event: KeyboardEvent<HTMLOListElement>) {
  const target = event.target as HTMLElement
  if (!target.classList.contains('thread-quote')) return
  const quotes = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(':scope > .thread > .thread-quote'))
  const at = quotes.indexOf(target)
  const next =
    event.key === 'ArrowDown'
      ? Math.min(at + 1, quotes.length - 1)
      : event.key === 'ArrowUp'
        ? Math.max(at - 1, 0)
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? quotes.length - 1
            : null
  if (next === null || at < 0) return
  event.preventDefault()
  quotes[next]?.focus()
}

const NO_PLACEMENT: Record<string, number | null> = {}
const FALLBACK_STORE = { subscribe: () => () => {}, getSnapshot: () => EMPTY } as unknown as CommentsStore
const EMPTY = { threads: [], placement: {}, selection: null, draft: null, activeThreadId: null, openPanel: 0 }

function ThreadCard({
  thread,
  members,
  canComment,
  action,
  active,
  removed,
  onActivate,
}: {
  thread: ThreadView
  members: Member[]
  canComment: boolean
  action: string
  active: boolean
  removed: boolean
  onActivate?: () => void
}) {
  const fetcher = useFetcher<{ ok: boolean; message?: string }>()
  const ref = useRef<HTMLLIElement>(null)
  useEffect(() => {
    if (active) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [active])
  const busy = fetcher.state !== 'idle'
  return (
    <li
      ref={ref}
      // Focus lands here after a new thread when it has no quote (initiatives).
      tabIndex={-1}
      className={`thread${active ? ' is-active' : ''}${thread.resolved ? ' is-resolved' : ''}`}
      data-thread-id={thread.id}
      aria-label={`Thread on “${thread.quote || 'this initiative'}”`}
    >
      {thread.anchorStart ? (
        <button
          type="button"
          className="thread-quote"
          onClick={onActivate}
          aria-label={`Show “${thread.quote}” in the text`}
          aria-keyshortcuts="ArrowUp ArrowDown"
        >
          {removed ? (
            <span className="chip unknown">
              <TriangleAlert size={12} aria-hidden /> Text removed
            </span>
          ) : null}
          <span className={removed ? 'quote removed' : 'quote'}>{thread.quote}</span>
        </button>
      ) : null}
      {thread.blocking && !thread.resolved ? (
        <p className="thread-blocking">
          <span className="chip fail">
            <Ban size={12} aria-hidden /> Blocks approval
          </span>
        </p>
      ) : null}
      {thread.resolved ? (
        <p className="thread-resolved">
          <Check size={14} aria-hidden /> Resolved{thread.resolvedByName ? ` by ${thread.resolvedByName}` : ''}
        </p>
      ) : null}
      <ol className="comment-list">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} members={members} action={action} canComment={canComment} />
        ))}
      </ol>
      {canComment ? (
        <div className="thread-actions">
          {!thread.resolved ? <ReplyBox threadId={thread.id} members={members} action={action} /> : null}
          <button
            type="button"
            className="button ghost small"
            disabled={busy}
            onClick={() =>
              fetcher.submit({ intent: thread.resolved ? 'reopen' : 'resolve', threadId: thread.id }, { method: 'post', action })
            }
          >
            {thread.resolved ? <RotateCcw size={14} aria-hidden /> : <Check size={14} aria-hidden />}
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
          {thread.narrativeId && !thread.resolved ? (
            <button
              type="button"
              className="button ghost small"
              disabled={busy}
              aria-pressed={thread.blocking}
              onClick={() =>
                fetcher.submit({ intent: 'blocking', threadId: thread.id, blocking: String(!thread.blocking) }, { method: 'post', action })
              }
            >
              <Ban size={14} aria-hidden />
              {thread.blocking ? 'Not blocking' : 'Mark blocking'}
            </button>
          ) : null}
        </div>
      ) : null}
      {fetcher.data && !fetcher.data.ok ? (
        <p className="field-error" role="alert">
          {fetcher.data.message}
        </p>
      ) : null}
    </li>
  )
}

function CommentItem({
  comment,
  members,
  action,
  canComment,
}: {
  comment: ThreadView['comments'][number]
  members: Member[]
  action: string
  canComment: boolean
}) {
  const fetcher = useFetcher<{ ok: boolean; message?: string }>()
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(false)
  }, [fetcher.state, fetcher.data])
  return (
    <li className="comment" data-comment-id={comment.id}>
      <div className="comment-head">
        <Avatar id={comment.authorId} name={comment.authorName} />
        <span className="comment-author">{comment.authorName}</span>
        <RelativeTime iso={comment.createdAt} />
        {comment.editedAt ? <span className="muted">(edited)</span> : null}
        {comment.mine && canComment && !editing ? (
          <span className="comment-tools">
            <button type="button" className="icon-button small" aria-label="Edit comment" onClick={() => setEditing(true)}>
              <Pencil size={13} aria-hidden />
            </button>
            <button
              type="button"
              className="icon-button small"
              aria-label="Delete comment"
              onClick={() => {
                if (window.confirm('Delete this comment?'))
                  fetcher.submit({ intent: 'delete', commentId: comment.id }, { method: 'post', action })
              }}
            >
              <Trash2 size={13} aria-hidden />
            </button>
          </span>
        ) : null}
      </div>
      {editing ? (
        <CommentForm
          members={members}
          initial={comment.body}
          submitLabel="Save"
          busy={fetcher.state !== 'idle'}
          error={fetcher.data && !fetcher.data.ok ? fetcher.data.message : undefined}
          onCancel={() => setEditing(false)}
          onSubmit={(body) => fetcher.submit({ intent: 'edit', commentId: comment.id, body }, { method: 'post', action })}
        />
      ) : (
        <p className="comment-body">
          <WithMentions text={comment.body} members={members} />
        </p>
      )}
    </li>
  )
}

function ReplyBox({ threadId, members, action }: { threadId: string; members: Member[]; action: string }) {
  const fetcher = useFetcher<{ ok: boolean; message?: string }>()
  const [open, setOpen] = useState(false)
  const [key, setKey] = useState(0)
  const button = useRef<HTMLButtonElement>(null)
  // Closing the form (sent or cancelled) hands focus back to the Reply button it came from.
  const returnFocus = useRef(false)
  const close = () => {
    const active = document.activeElement
    returnFocus.current = !active || active === document.body || active.closest('.comment-form') !== null
    setOpen(false)
  }
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) {
      setKey((k) => k + 1)
      close()
    }
  }, [fetcher.state, fetcher.data])
  useEffect(() => {
    if (open || !returnFocus.current) return
    returnFocus.current = false
    button.current?.focus()
  }, [open])
  if (!open)
    return (
      <button type="button" className="button ghost small" ref={button} onClick={() => setOpen(true)}>
        <MessageSquare size={14} aria-hidden /> Reply
      </button>
    )
  return (
    <CommentForm
      key={key}
      members={members}
      submitLabel="Reply"
      label="Reply"
      autoFocus
      busy={fetcher.state !== 'idle'}
      error={fetcher.data && !fetcher.data.ok ? fetcher.data.message : undefined}
      onCancel={close}
      onSubmit={(body) => fetcher.submit({ intent: 'reply', threadId, body }, { method: 'post', action })}
    />
  )
}

function DraftComposer({
  store,
  members,
  action,
  onCreated,
}: {
  store: CommentsStore
  members: Member[]
  action: string
  onCreated: (threadId: string) => void
}) {
  const { draft } = useCommentsSnapshot(store)
  const fetcher = useFetcher<{ ok: boolean; message?: string; threadId?: string }>()
  const [blocking, setBlocking] = useState(false)
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) {
      store.update({ draft: null, activeThreadId: fetcher.data.threadId ?? null })
      if (fetcher.data.threadId) onCreated(fetcher.data.threadId)
    }
  }, [fetcher.state, fetcher.data, store, onCreated])
  if (!draft) return null
  return (
    <section className="thread is-draft" aria-label="New comment">
      <blockquote className="thread-quote static">
        <span className="quote">{draft.quote}</span>
      </blockquote>
      <CommentForm
        members={members}
        label="Comment"
        submitLabel="Comment"
        autoFocus
        busy={fetcher.state !== 'idle'}
        error={fetcher.data && !fetcher.data.ok ? fetcher.data.message : undefined}
        onCancel={() => {
          store.update({ draft: null })
          store.focusText()
        }}
        onSubmit={(body) => fetcher.submit({ intent: 'start', ...draft, body, blocking: String(blocking) }, { method: 'post', action })}
      />
      <label className="checkbox-row thread-blocking-choice">
        <input type="checkbox" name="blocking" checked={blocking} onChange={(e) => setBlocking(e.currentTarget.checked)} />
        Blocks approval until resolved
      </label>
    </section>
  )
}

function NewThread({ members, action }: { members: Member[]; action: string }) {
  const fetcher = useFetcher<{ ok: boolean; message?: string }>()
  const [key, setKey] = useState(0)
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setKey((k) => k + 1)
  }, [fetcher.state, fetcher.data])
  return (
    <CommentForm
      key={key}
      members={members}
      label="Start a discussion"
      submitLabel="Comment"
      busy={fetcher.state !== 'idle'}
      error={fetcher.data && !fetcher.data.ok ? fetcher.data.message : undefined}
      onSubmit={(body) => fetcher.submit({ intent: 'start', body }, { method: 'post', action })}
    />
  )
}

const MAX = 4000

/** A plain-text box with `@name` suggestions of workspace members. */
function CommentForm({
  members,
  initial = '',
  label = 'Comment',
  submitLabel,
  autoFocus,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  members: Member[]
  initial?: string
  label?: string
  submitLabel: string
  autoFocus?: boolean
  busy: boolean
  error?: string
  onSubmit: (body: string) => void
  onCancel?: () => void
}) {
  const [body, setBody] = useState(initial)
  const [caret, setCaret] = useState(initial.length)
  const area = useRef<HTMLTextAreaElement>(null)
  const query = /(?:^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(body.slice(0, caret))?.[1]
  const suggestions = query === undefined ? [] : members.filter((m) => m.name.toLowerCase().startsWith(query.toLowerCase())).slice(0, 5)
  const insert = (member: Member) => {
    const before = body.slice(0, caret).replace(/@[\p{L}\p{N}._-]*$/u, `@${member.name} `)
    const next = before + body.slice(caret)
    setBody(next)
    setCaret(before.length)
    requestAnimationFrame(() => {
      area.current?.focus()
      area.current?.setSelectionRange(before.length, before.length)
    })
  }
  const submit = (event?: FormEvent) => {
    event?.preventDefault()
    if (body.trim() && body.length <= MAX) onSubmit(body.trim())
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) submit()
    else if (event.key === 'Escape') onCancel?.()
  }
  return (
    <form className="comment-form" onSubmit={submit}>
      <textarea
        ref={area}
        aria-label={label}
        placeholder="Write a comment… @ to mention"
        value={body}
        rows={3}
        maxLength={MAX}
        autoFocus={autoFocus}
        onChange={(e) => {
          setBody(e.target.value)
          setCaret(e.target.selectionStart)
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      {suggestions.length > 0 ? (
        <ul className="mention-suggestions" aria-label="Mention a member">
          {suggestions.map((m) => (
            <li key={m.id}>
              <button type="button" onClick={() => insert(m)}>
                <Avatar id={m.id} name={m.name} /> {m.name}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="comment-form-actions">
        {body.length > MAX - 200 ? <span className="muted">{MAX - body.length} left</span> : null}
        {onCancel ? (
          <button type="button" className="button ghost small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="button small" disabled={busy || body.trim() === ''}>
          {submitLabel}
        </button>
      </div>
    </form>
  )
}

/** Text with members' `@Name` emphasised; everything is rendered as text, never as HTML. */
function WithMentions({ text, members }: { text: string; members: Member[] }) {
  const names = [...members.map((m) => m.name)].filter(Boolean).sort((a, b) => b.length - a.length)
  if (names.length === 0) return <>{text}</>
  const pattern = new RegExp(`@(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
  const out: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(pattern)) {
    out.push(text.slice(last, match.index))
    out.push(
      <span key={match.index} className="mention">
        {match[0]}
      </span>,
    )
    last = match.index + match[0].length
  }
  out.push(text.slice(last))
  return <>{out}</>
}

function RelativeTime({ iso }: { iso: string }) {
  const [text, setText] = useState(() => iso.slice(0, 10))
  useEffect(() => {
    const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60000)
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
    setText(
      minutes < 1
        ? 'just now'
        : minutes < 60
          ? rtf.format(-minutes, 'minute')
          : minutes < 1440
            ? rtf.format(-Math.round(minutes / 60), 'hour')
            : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso)),
    )
  }, [iso])
  return (
    <time className="comment-time" dateTime={iso}>
      {text}
    </time>
  )
}
