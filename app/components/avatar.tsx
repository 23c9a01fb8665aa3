import { colourFor } from '#app/utils/colour.ts'

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
