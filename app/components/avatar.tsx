const COLOURS = ['#1f3a5f', '#7a3e9d', '#0f766e', '#b45309', '#be123c', '#4d7c0f', '#1d4ed8', '#6d28d9']

/** A stable colour per person, the same as their cursor colour in the editor. */
export function colourFor(id: string): string {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return COLOURS[h % COLOURS.length]!
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/)
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?'
}

export function Avatar({ id, name, title }: { id: string; name: string; title?: string }) {
  return (
    <span className="avatar" style={{ background: colourFor(id) }} title={title ?? name} aria-hidden="true">
      {initials(name)}
    </span>
  )
}
