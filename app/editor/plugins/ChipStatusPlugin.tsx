import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $getNodeByKey, type NodeKey } from 'lexical'
import { useEffect, useRef, useState } from 'react'
import { ChipNode, $isChipNode, type ChipKind } from '#app/document/nodes/ChipNode.ts'
import { useNarrativeEvidence, type ChipIdsStore, type NarrativeEvidence } from '../panels/evidence.ts'

const ICON: Record<string, string> = { pass: '✓', at_risk: '!', fail: '✕', unknown: '•' }

/**
 * Paints the live status on each chip's element: colour (data-status), an icon and the word (CSS
 * generated content from data-icon / data-live), and the reason on hover (title). Metric chips also
 * show their current value and target. Nothing is written to the document; the data comes from one
 * react-query query that the change feed invalidates (inventory, feasibility, metrics events), so
 * chips follow without a reload.
 */
export function ChipStatusPlugin({ narrativeId, store }: { narrativeId: string; store: ChipIdsStore }) {
  const [editor] = useLexicalComposerContext()
  const chips = useRef(new Map<NodeKey, { kind: ChipKind; refId: string }>())
  const [version, setVersion] = useState(0)

  useEffect(
    () =>
      editor.registerMutationListener(ChipNode, (mutations) => {
        editor.getEditorState().read(() => {
          for (const [key, mutation] of mutations) {
            const node = mutation === 'destroyed' ? null : $getNodeByKey(key)
            if ($isChipNode(node)) {
              const ref = node.getChipRef()
              chips.current.set(key, { kind: ref.kind, refId: ref.refId })
            } else chips.current.delete(key)
          }
        })
        const ids = { capability: new Set<string>(), system: new Set<string>(), metric: new Set<string>() }
        for (const chip of chips.current.values()) if (chip.refId) ids[chip.kind].add(chip.refId)
        store.set({ capability: [...ids.capability], system: [...ids.system], metric: [...ids.metric] })
        setVersion((v) => v + 1)
      }),
    [editor, store],
  )

  const { data } = useNarrativeEvidence(narrativeId, store)
  useEffect(() => {
    for (const [key, chip] of chips.current) paint(editor.getElementByKey(key), chip, data)
  }, [editor, data, version])
  return null
}

function paint(dom: HTMLElement | null, chip: { kind: ChipKind; refId: string }, data: NarrativeEvidence | undefined) {
  if (!dom) return
  const status = data?.chips[`${chip.kind}:${chip.refId}`]
  if (!status) {
    dom.dataset.status = 'loading'
    delete dom.dataset.icon
    delete dom.dataset.live
    dom.title = 'Checking…'
    return
  }
  dom.dataset.status = status.status
  dom.dataset.icon = ICON[status.status] ?? '•'
  dom.dataset.live = chip.kind === 'metric' && status.value ? `${status.value} / ${status.target} · ${status.word}` : status.word
  dom.title = `${status.word}: ${status.reason}`
}
