const COLOURS = ['#1f3a5f', '#7a3e9d', '#0f766e', '#b45309', '#be123c', '#4d7c0f', '#1d4ed8', '#6d28d9']

/**
 * A stable colour per person: their avatar, and their cursor in the editor (which the
 * collaboration server stamps on their awareness state, so nobody can pick another's).
 */
export function colourFor(id: string): string {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return COLOURS[h % COLOURS.length]!
}
