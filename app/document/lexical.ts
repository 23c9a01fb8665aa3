import * as Y from 'yjs'
import { createHeadlessEditor } from '@lexical/headless'
import { createYjsBinding, syncLexicalUpdateToYjs, syncYjsChangesToLexical, type Binding, type Provider } from '@lexical/yjs'
import type { LexicalEditor } from 'lexical'
import { narrativeNodes } from '#app/document/nodes.ts'

/**
 * The shared type CollaborationPlugin binds to (`doc.get('root', Y.XmlText)`). The plugin's id is
 * only the key of its docMap; the Yjs structure does not depend on it.
 */
export const ROOT_NAME = 'root'

/** A provider stand-in: the headless editor has no awareness, cursors or connection. */
const headlessProvider: Provider = {
  awareness: {
    getLocalState: () => null,
    getStates: () => new Map(),
    on: () => {},
    off: () => {},
    setLocalState: () => {},
    setLocalStateField: () => {},
  },
  connect: () => {},
  disconnect: () => {},
  on: () => {},
  off: () => {},
}

function createNarrativeEditor(): LexicalEditor {
  return createHeadlessEditor({
    namespace: 'narrative',
    nodes: [...narrativeNodes],
    onError: (error) => {
      throw error
    },
  })
}

export interface BoundEditor {
  editor: LexicalEditor
  binding: Binding
  dispose: () => void
}

let boundEditors = 0

/** How many headless editors this process has bound so far: the cost figure of derive and render paths. */
export function headlessEditorCount(): number {
  return boundEditors
}

/** A headless editor bound to `doc` exactly as CollaborationPlugin binds the browser's editor. */
export function bindEditor(doc: Y.Doc): BoundEditor {
  boundEditors++
  const editor = createNarrativeEditor()
  const binding = createYjsBinding({ editor, id: 'narrative', doc, docMap: new Map([['narrative', doc]]), rootName: ROOT_NAME })
  const onYjs = (events: Y.YEvent<Y.XmlText>[], transaction: Y.Transaction) => {
    if (transaction.origin !== binding) syncYjsChangesToLexical(binding, headlessProvider, events as never, false)
  }
  const sharedRoot = binding.root.getSharedType()
  sharedRoot.observeDeep(onYjs as never)
  const stopListening = editor.registerUpdateListener(
    ({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
      syncLexicalUpdateToYjs(binding, headlessProvider, prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags)
    },
  )
  return {
    editor,
    binding,
    dispose: () => {
      sharedRoot.unobserveDeep(onYjs as never)
      stopListening()
      binding.root.destroy(binding)
    },
  }
}

/**
 * Runs `$build` in a headless editor bound to an empty Yjs document and returns the resulting
 * document as one V1 update: the same structure CollaborationPlugin writes from a browser.
 */
export function buildUpdateWith($build: () => void): Uint8Array {
  const doc = new Y.Doc()
  const bound = bindEditor(doc)
  try {
    // discrete: commit now, so the update listener writes into the doc before we encode it.
    bound.editor.update($build, { discrete: true })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    bound.dispose()
    doc.destroy()
  }
}

/**
 * Reads a Yjs document the way a client does: binds a fresh headless editor to an empty doc and
 * applies the state, so the Yjs → Lexical sync builds the editor state. Returns what `$read` returns.
 */
export function readDocWith<T>(update: Uint8Array, $read: () => T): T {
  return readDocWithBinding(update, () => $read())
}

/** Like readDocWith, also handing `$read` the binding (for Yjs positions of Lexical nodes). */
export function readDocWithBinding<T>(update: Uint8Array, $read: (binding: Binding) => T): T {
  const doc = new Y.Doc()
  const bound = bindEditor(doc)
  try {
    Y.applyUpdate(doc, update)
    // The Yjs → Lexical sync schedules an editor update; flush it before reading.
    bound.editor.update(() => {}, { discrete: true })
    return bound.editor.getEditorState().read(() => $read(bound.binding))
  } finally {
    bound.dispose()
    doc.destroy()
  }
}
