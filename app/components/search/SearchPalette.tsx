import * as Dialog from '@radix-ui/react-dialog'
import { useFetcher, useNavigate } from '@remix-run/react'
import { Search } from 'lucide-react'
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react'
import { SEARCH_TYPE_LABELS, SEARCH_TYPES, type SearchType, type SnippetPart } from '#app/domain/search.ts'
import { SEARCH_TYPE_ICONS, Snippet } from './snippet.tsx'

export interface PaletteHit {
  type: SearchType
  id: string
  title: string
  parts: SnippetPart[]
  url: string
}

/** Opens the palette on Ctrl-K / ⌘-K anywhere, unless something (the editor's link shortcut) handled the key. */
export function usePaletteShortcut(open: () => void) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.shiftKey) return
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        open()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open])
}

/**
 * The Ctrl/⌘-K command palette: type to search everything of the workspace, results grouped by
 * type with snippets; arrows move, Enter opens, Escape closes. A combobox over a listbox (ARIA).
 */
export function SearchPalette({
  open,
  onOpenChange,
  initialQuery = '',
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  /** What the person had typed into the rail's search box when the palette took over. */
  initialQuery?: string
}) {
  const fetcher = useFetcher<{ q: string; hits: PaletteHit[] }>()
  const navigate = useNavigate()
  const [q, setQ] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()
  const optionId = (i: number) => `${listId}-opt-${i}`

  useEffect(() => {
    setQ(open ? initialQuery : '')
  }, [open, initialQuery])
  const { load } = fetcher
  useEffect(() => {
    const query = q.trim()
    if (!query) return
    const timer = setTimeout(() => load(`/resources/search?q=${encodeURIComponent(query)}`), 120)
    return () => clearTimeout(timer)
  }, [q, load])

  const current = q.trim() && fetcher.data && fetcher.data.q === q.trim() ? fetcher.data.hits : null
  // Groups in the order of their best result; the flat order is the order shown (arrows follow it).
  const groups = useMemo(() => {
    const hits = current ?? []
    const order = SEARCH_TYPES.filter((t) => hits.some((h) => h.type === t)).sort(
      (a, b) => hits.findIndex((h) => h.type === a) - hits.findIndex((h) => h.type === b),
    )
    return order.map((type) => ({ type, hits: hits.filter((h) => h.type === type) }))
  }, [current])
  const flat = groups.flatMap((g) => g.hits)
  useEffect(() => setActive(0), [current])

  const go = (hit: PaletteHit | undefined) => {
    onOpenChange(false)
    if (!hit) navigate(`/search?q=${encodeURIComponent(q.trim())}`)
    else if (hit.url.startsWith('mailto:')) window.location.href = hit.url
    else navigate(hit.url)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (flat.length) setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : flat.length - 1)) % flat.length)
    } else if (e.key === 'Enter') {
      e.preventDefault()
      if (q.trim()) go(flat[active])
    }
  }
  useEffect(() => {
    document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' })
  })

  const loading = fetcher.state !== 'idle'
  let index = -1
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="palette" aria-describedby={undefined}>
          <Dialog.Title className="visually-hidden">Search</Dialog.Title>
          <div className="palette-input">
            <Search size={18} aria-hidden />
            <input
              type="search"
              role="combobox"
              aria-label="Search narratives, initiatives, systems, capabilities, metrics and members"
              aria-expanded={flat.length > 0}
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={flat.length ? optionId(active) : undefined}
              placeholder="Search everything…"
              autoComplete="off"
              spellCheck={false}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onKeyDown={onKeyDown}
            />
          </div>
          <div className="palette-results" id={listId} role="listbox" aria-label="Results">
            {groups.map((g) => {
              const Icon = SEARCH_TYPE_ICONS[g.type]
              return (
                <div key={g.type} role="group" aria-labelledby={`${listId}-${g.type}`}>
                  <div className="palette-group" id={`${listId}-${g.type}`} role="presentation">
                    {SEARCH_TYPE_LABELS[g.type]}
                  </div>
                  {g.hits.map((hit) => {
                    index++
                    const i = index
                    return (
                      <div
                        key={`${hit.type}-${hit.id}`}
                        id={optionId(i)}
                        role="option"
                        aria-selected={i === active}
                        className="palette-option"
                        onMouseMove={() => setActive(i)}
                        onClick={() => go(hit)}
                      >
                        <Icon size={16} aria-hidden />
                        <span className="palette-text">
                          <span className="palette-title">{hit.title}</span>
                          <Snippet parts={hit.parts} />
                        </span>
                      </div>
                    )
                  })}
                </div>
              )
            })}
          </div>
          <div className="palette-footer" aria-live="polite">
            {!q.trim() ? (
              <span>Type to search. ↑ ↓ to move, Enter to open, Esc to close.</span>
            ) : current && flat.length === 0 && !loading ? (
              <span>Nothing matches “{q.trim()}”.</span>
            ) : current ? (
              <span>
                {flat.length} {flat.length === 1 ? 'result' : 'results'}
              </span>
            ) : (
              <span>Searching…</span>
            )}
            {q.trim() ? (
              <button type="button" className="button ghost small" onClick={() => go(undefined)}>
                All results
              </button>
            ) : null}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
