import { useRevalidator } from '@remix-run/react'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { subscribeToWorkspaceFeed, type ChangeEvent } from './workspace-feed.ts'

export type { ChangeEvent } from './workspace-feed.ts'

/**
 * Listens to the workspace change feed (/events, one stream per tab). Each change invalidates
 * react-query caches and, when `shouldRevalidate(event)` says so, re-runs the page's loaders
 * (debounced), so structured data is live without a reload.
 */
export function useWorkspaceEvents(shouldRevalidate: (event: ChangeEvent) => boolean = () => true) {
  const revalidator = useRevalidator()
  const queryClient = useQueryClient()
  const filter = useRef(shouldRevalidate)
  filter.current = shouldRevalidate
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const unsubscribe = subscribeToWorkspaceFeed((message) => {
      if (message.kind === 'membership') return revalidate.current()
      void queryClient.invalidateQueries()
      if (!filter.current(message.event)) return
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => revalidate.current(), 300)
    })
    return () => {
      if (timer) clearTimeout(timer)
      unsubscribe()
    }
  }, [queryClient])
}
