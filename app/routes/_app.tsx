import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, NavLink, Outlet, useLoaderData, useLocation, useSubmit } from '@remix-run/react'
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import {
  BarChart3,
  CheckCircle2,
  ChevronsUpDown,
  FileText,
  Home,
  Inbox,
  Layers,
  LogOut,
  Map,
  Menu,
  Plus,
  Search,
  Settings,
} from 'lucide-react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { Avatar } from '#app/components/avatar.tsx'
import { navigationFor, ROLE_LABELS } from '#app/domain/policies.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { countUnreadFor } from '#app/services/notifications.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
// Relative, so the compiler bundles the stylesheet (see app/editor/styles.ts); it holds the inbox count.
import { links as commentsLinks } from '../components/comments/styles.ts'
import { links as searchLinks } from '../components/search/styles.ts'
import { SearchPalette, usePaletteShortcut } from '#app/components/search/SearchPalette.tsx'

export const links = () => [...commentsLinks(), ...searchLinks()]

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, actor, membership, memberships } = await requireActor(request)
  return json({
    user,
    workspace: { id: membership.workspaceId, name: membership.workspaceName },
    role: actor.role,
    workspaces: memberships.map((m) => ({ id: m.workspaceId, name: m.workspaceName, role: m.role })),
    can: navigationFor(actor),
    unread: navigationFor(actor).narratives ? await countUnreadFor(actor) : 0,
  })
}

export default function AppShell() {
  const { user, workspace, workspaces, role, can, unread } = useLoaderData<typeof loader>()
  // The inbox count follows new notifications live.
  useWorkspaceEvents((e) => e.type === 'notifications.changed' && (e as { userId?: string }).userId === user.id)
  const [open, setOpen] = useState(false)
  const submit = useSubmit()
  const location = useLocation()
  useEffect(() => setOpen(false), [location.pathname])
  const [paletteOpen, setPaletteOpen] = useState(false)
  const [paletteSeed, setPaletteSeed] = useState('')
  // Keys typed into the rail box until the palette's input has focus: a fast typist's next keys
  // still land here, and each must add to the seed rather than start it again.
  const handingOver = useRef(false)
  const paletteOpenChange = useCallback((open: boolean) => {
    setPaletteOpen(open)
    if (!open) handingOver.current = false
  }, [])
  usePaletteShortcut(
    useCallback(() => {
      setPaletteSeed('')
      setPaletteOpen(true)
    }, []),
  )

  const links = [
    { to: '/home', label: 'Home', icon: Home, show: true },
    { to: '/narratives', label: 'Narratives', icon: FileText, show: can.narratives },
    { to: '/roadmap', label: 'Roadmap', icon: Map, show: can.roadmap },
    { to: '/metrics', label: 'Metrics', icon: BarChart3, show: can.metrics },
    { to: '/stack', label: 'Tech stack', icon: Layers, show: can.stack },
    { to: '/approved', label: 'Approved', icon: CheckCircle2, show: can.approved },
  ]

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button className="button ghost small" type="button" aria-label="Open navigation" onClick={() => setOpen(true)}>
          <Menu size={18} aria-hidden />
        </button>
        <strong>{workspace.name}</strong>
      </header>
      <aside className={`rail${open ? ' open' : ''}`} aria-label="Main">
        <DropdownMenu.Root>
          <DropdownMenu.Trigger className="workspace-switcher">
            <span className="ws-mark" aria-hidden>
              {workspace.name.slice(0, 1).toUpperCase()}
            </span>
            {/* The visible name starts the accessible name (WCAG 2.5.3 label in name). */}
            <span className="ws-name">{workspace.name}</span>
            <span className="visually-hidden">: Switch workspace</span>
            <ChevronsUpDown size={16} aria-hidden />
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="start" sideOffset={4}>
              <DropdownMenu.Label className="menu-label">Workspaces</DropdownMenu.Label>
              {workspaces.map((w) => (
                <DropdownMenu.Item
                  key={w.id}
                  className="menu-item"
                  onSelect={() => submit({ workspaceId: w.id }, { method: 'post', action: '/workspaces/switch' })}
                >
                  <span className="ws-name">{w.name}</span>
                  <span className="muted">{ROLE_LABELS[w.role]}</span>
                  {w.id === workspace.id ? <CheckCircle2 size={14} aria-label="current workspace" /> : null}
                </DropdownMenu.Item>
              ))}
              <DropdownMenu.Separator className="menu-sep" />
              <DropdownMenu.Item className="menu-item" asChild>
                <a href="/workspaces/new">
                  <Plus size={14} aria-hidden /> New workspace
                </a>
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>

        <form className="rail-search" method="get" action="/search" role="search">
          <label className="visually-hidden" htmlFor="rail-search">
            Search
          </label>
          <Search size={16} aria-hidden />
          <input
            id="rail-search"
            type="search"
            name="q"
            placeholder="Search"
            maxLength={200}
            autoComplete="off"
            onKeyDown={(e) => {
              // With JavaScript the palette takes over as soon as you type; without it, Enter opens /search.
              if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
                e.preventDefault()
                const typed = handingOver.current ? null : e.currentTarget.value
                const key = e.key
                handingOver.current = true
                setPaletteSeed((seed) => (typed ?? seed) + key)
                setPaletteOpen(true)
              }
            }}
          />
          <kbd aria-hidden>Ctrl K</kbd>
        </form>
        <nav aria-label="Sections">
          {links
            .filter((l) => l.show)
            .map((l) => (
              <NavLink key={l.to} to={l.to} className="rail-link" prefetch="intent">
                <l.icon size={18} aria-hidden />
                {l.label}
              </NavLink>
            ))}
          {can.narratives ? (
            <NavLink to="/inbox" className="rail-link">
              <Inbox size={18} aria-hidden />
              Inbox
              {/* The name is the visible text plus a hidden word ("Inbox 1 unread"): an aria-label that
                  reorders it fails WCAG 2.5.3 label-in-name. */}
              {unread > 0 ? (
                <>
                  <span className="rail-count" data-testid="inbox-count">
                    {unread}
                  </span>
                  <span className="visually-hidden"> unread</span>
                </>
              ) : null}
            </NavLink>
          ) : null}
        </nav>
        <div className="rail-spacer" />
        {can.settings ? (
          <NavLink to="/settings" className="rail-link">
            <Settings size={18} aria-hidden />
            Settings
          </NavLink>
        ) : null}
        <div className="rail-user">
          <Avatar id={user.id} name={user.name} />
          <div className="who">
            {user.name}
            <span>
              {user.email} · {ROLE_LABELS[role]}
            </span>
          </div>
          <Form method="post" action="/logout">
            <button className="button ghost small" type="submit" aria-label="Sign out" title="Sign out">
              <LogOut size={16} aria-hidden />
            </button>
          </Form>
        </div>
      </aside>
      <main id="main" className="main">
        <Outlet />
      </main>
      <SearchPalette open={paletteOpen} onOpenChange={paletteOpenChange} initialQuery={paletteSeed} />
    </div>
  )
}
