/** Who has a narrative open right now (from the collaboration server's awareness). */
export function getPresenceFor(_narrativeId: string): { userId: string; name: string }[] {
  // Wired to server/collab once it registers its presence registry.
  return []
}
