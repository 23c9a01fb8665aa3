import { useRevalidator } from '@remix-run/react'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'

export interface ChangeEvent {
  type: string
  workspaceId: string
  narrativeId?: string
}

/**
 * Listens to the workspace change feed (/events). Each change invalidates react-query caches and,
 * when `shouldRevalidate(event)` says so, re-runs the page's loaders (debounced), so structured
 * data is live without a reload.
 */
export function useWorkspaceEvents(shouldRevalidate: (event: ChangeEvent) => boolean = () => true) {
  const revalidator = useRevalidator()
  const queryClient = useQueryClient()
  const filter = useRef(shouldRevalidate)
  filter.current = shouldRevalidate
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate

  useEffect(() => {
    const source = new EventSource('/events')
    let timer: ReturnType<typeof setTimeout> | null = null
    source.addEventListener('change', (message) => {
      let event: ChangeEvent
      try {
        event = JSON.parse((message as MessageEvent<string>).data) as ChangeEvent
      } catch {
        return
      }
      void queryClient.invalidateQueries()
      if (!filter.current(event)) return
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => revalidate.current(), 300)
    })
    source.addEventListener('membership', () => revalidate.current())
    return () => {
      if (timer) clearTimeout(timer)
      source.close()
    }
  }, [queryClient])
}
