import * as Y from 'yjs'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { $createHeadingNode } from '@lexical/rich-text'
import { describe, expect, it } from 'vitest'
import { checkDocumentState } from '#app/document/update-check.ts'
import { bindEditor } from '#app/document/lexical.ts'
import { registerPlainStyles } from './PlainStylePlugin.tsx'

/** What a paste from another Lexical editor writes: text and blocks carrying inline CSS. */
function $pasteStyled() {
  const heading = $createHeadingNode('h2').append($createTextNode('Styled title').setStyle('color: red'))
  heading.setStyle('position: fixed; inset: 0')
  const paragraph = $createParagraphNode().append($createTextNode('Styled words').setStyle('font-size: 90px'))
  paragraph.setTextStyle('color: blue')
  $getRoot().append(heading, paragraph)
}

function write(plain: boolean): Uint8Array {
  const doc = new Y.Doc()
  const bound = bindEditor(doc)
  const unregister = plain ? registerPlainStyles(bound.editor) : () => {}
  try {
    bound.editor.update($pasteStyled, { discrete: true })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    unregister()
    bound.dispose()
    doc.destroy()
  }
}

describe('PlainStylePlugin', () => {
  it('clears pasted inline CSS, so the document it writes is one the server accepts', () => {
    expect(checkDocumentState(write(false))).toMatch(/style/i)
    expect(checkDocumentState(write(true))).toBeNull()
  })
})
