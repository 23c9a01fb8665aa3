import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSyncExternalStore } from 'react'
import type { ChipKind } from '#app/document/nodes/ChipNode.ts'
import type { NarrativeEvidence } from '#app/services/narrative-links.server.ts'

export type { NarrativeEvidence }
export type ChipIds = Record<ChipKind, string[]>

const EMPTY: ChipIds = { capability: [], system: [], metric: [] }

/**
 * The ids of the chips the editor holds right now (written by ChipStatusPlugin), so the chips and
 * the tabs beside the text read one query: a chip just typed has a status before the server's next
 * derivation.
 */
export class ChipIdsStore {
  private ids: ChipIds = EMPTY
  private listeners = new Set<() => void>()

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = () => this.ids

  set(next: ChipIds) {
    const sorted: ChipIds = { capability: [...next.capability].sort(), system: [...next.system].sort(), metric: [...next.metric].sort() }
    if (JSON.stringify(sorted) === JSON.stringify(this.ids)) return
    this.ids = sorted
    for (const listener of this.listeners) listener()
  }
}

/** Chip statuses, requirements and commitments of a narrative; refetched on every change-feed event. */
export function useNarrativeEvidence(narrativeId: string, store: ChipIdsStore) {
  const ids = useSyncExternalStore(store.subscribe, store.getSnapshot, () => EMPTY)
  return useQuery({
    queryKey: ['narrative-evidence', narrativeId, ids],
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({
        capability: ids.capability.join(','),
        system: ids.system.join(','),
        metric: ids.metric.join(','),
      })
      const res = await fetch(`/resources/narratives/${narrativeId}/evidence?${params}`, {
        signal,
        headers: { Accept: 'application/json' },
      })
      if (!res.ok) throw new Error(`evidence: ${res.status}`)
      return (await res.json()) as NarrativeEvidence
    },
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  })
}
