import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { LexicalTypeaheadMenuPlugin, MenuOption, type MenuTextMatch } from '@lexical/react/LexicalTypeaheadMenuPlugin'
import { useQuery } from '@tanstack/react-query'
import { $createTextNode, type TextNode } from 'lexical'
import { BarChart3, Puzzle, Server } from 'lucide-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { $createChipNode, type ChipKind } from '#app/document/nodes/ChipNode.ts'

type Trigger = 'hash' | 'dollar'

interface ReferenceOption {
  kind: ChipKind
  id: string
  key: string
  label: string
  detail: string
}

class ChipOption extends MenuOption {
  constructor(readonly item: ReferenceOption) {
    super(`${item.kind}:${item.id}`)
  }
}

const NO_OPTIONS: ChipOption[] = []

const ICONS = { capability: Puzzle, system: Server, metric: BarChart3 } as const

// After the trigger: a first character that is not a space (so "# " stays the heading shortcut and
// "$4.0M" stops at the dot), then up to 48 characters without punctuation; names have spaces.
const TRIGGER = /(^|[\s(])([#$])([^\s#$.,;:!?()[\]{}"'/\\][^#$.,;:!?()[\]{}"'/\\\n]{0,47})?$/

function matchTrigger(text: string): (MenuTextMatch & { trigger: Trigger }) | null {
  const m = TRIGGER.exec(text)
  if (!m) return null
  const query = m[3] ?? ''
  return {
    leadOffset: m.index + m[1]!.length,
    matchingString: query,
    replaceableString: m[2]! + query,
    trigger: m[2] === '#' ? 'hash' : 'dollar',
  }
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}

/**
 * `#` lists the workspace's capabilities and systems, `$` its metrics (from /resources/typeahead,
 * debounced); Enter, Tab or a click inserts a chip, arrow keys move, Escape closes (Lexical's menu
 * handles the keys). Mounted for editors only: read-only users get no typeahead.
 */
export function ChipTypeaheadPlugin() {
  const [editor] = useLexicalComposerContext()
  const [query, setQuery] = useState<string | null>(null)
  const trigger = useRef<Trigger>('hash')
  const [activeTrigger, setActiveTrigger] = useState<Trigger>('hash')
  const debounced = useDebounced(query, 120)

  const { data } = useQuery({
    queryKey: ['typeahead', activeTrigger, debounced],
    enabled: debounced !== null,
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({ trigger: activeTrigger, q: debounced ?? '' })
      const res = await fetch(`/resources/typeahead?${params}`, { signal, headers: { Accept: 'application/json' } })
      if (!res.ok) return [] as ReferenceOption[]
      return ((await res.json()) as { options: ReferenceOption[] }).options
    },
    staleTime: 30_000,
  })
  // Stable option objects between renders: the menu keeps its highlight and element refs.
  const all = useMemo(() => (data ?? []).map((item) => new ChipOption(item)), [data])
  const options = query === null ? NO_OPTIONS : all

  const triggerFn = useCallback((text: string) => {
    const match = matchTrigger(text)
    if (match) trigger.current = match.trigger
    return match
  }, [])

  const onQueryChange = useCallback((matching: string | null) => {
    setQuery(matching)
    setActiveTrigger(trigger.current)
  }, [])

  const onSelectOption = useCallback(
    (option: ChipOption, nodeToReplace: TextNode | null, closeMenu: () => void) => {
      editor.update(() => {
        const chip = $createChipNode({ kind: option.item.kind, refId: option.item.id, refKey: option.item.key, label: option.item.label })
        if (nodeToReplace) nodeToReplace.replace(chip)
        // A space after the chip, with the caret after it: typing goes on as plain text.
        const space = $createTextNode(' ')
        chip.insertAfter(space)
        space.select(1, 1)
        closeMenu()
      })
    },
    [editor],
  )

  return (
    <LexicalTypeaheadMenuPlugin<ChipOption>
      onQueryChange={onQueryChange}
      onSelectOption={onSelectOption}
      triggerFn={triggerFn}
      options={options}
      menuRenderFn={(anchorElementRef, { selectedIndex, selectOptionAndCleanUp, setHighlightedIndex }) =>
        anchorElementRef.current && options.length
          ? createPortal(
              <div className="chip-typeahead">
                <ul role="listbox" aria-label={activeTrigger === 'hash' ? 'Capabilities and systems' : 'Metrics'}>
                  {options.map((option, index) => {
                    const Icon = ICONS[option.item.kind]
                    return (
                      <li
                        key={option.key}
                        id={`chip-option-${index}`}
                        ref={(el) => option.setRefElement(el)}
                        role="option"
                        tabIndex={-1}
                        aria-selected={selectedIndex === index}
                        className={`chip-typeahead-option${selectedIndex === index ? ' selected' : ''}`}
                        onMouseEnter={() => setHighlightedIndex(index)}
                        // Chosen on press, not on click: the editor keeps its selection, and a menu that
                        // moves as results arrive cannot swallow the release.
                        onMouseDown={(event) => {
                          event.preventDefault()
                          setHighlightedIndex(index)
                          selectOptionAndCleanUp(option)
                        }}
                      >
                        <Icon size={14} aria-hidden />
                        <span className="chip-typeahead-label">{option.item.label}</span>
                        <span className="chip-typeahead-detail">{option.item.detail}</span>
                      </li>
                    )
                  })}
                </ul>
              </div>,
              anchorElementRef.current,
            )
          : null
      }
    />
  )
}
