import type { EditorThemeClasses } from 'lexical'

/** Lexical's class names for narrative content; the rules live in app/styles/editor.css. */
export const narrativeTheme: EditorThemeClasses = {
  paragraph: 'doc-p',
  quote: 'doc-quote',
  heading: { h1: 'doc-h1', h2: 'doc-h2', h3: 'doc-h3', h4: 'doc-h4', h5: 'doc-h5', h6: 'doc-h6' },
  list: {
    ul: 'doc-ul',
    ol: 'doc-ol',
    checklist: 'doc-checklist',
    listitem: 'doc-li',
    listitemChecked: 'doc-li-checked',
    listitemUnchecked: 'doc-li-unchecked',
    nested: { listitem: 'doc-li-nested' },
  },
  link: 'doc-link',
  hr: 'doc-hr',
  hrSelected: 'doc-hr-selected',
  mark: 'doc-mark',
  table: 'doc-table',
  tableRow: 'doc-tr',
  tableCell: 'doc-td',
  tableCellHeader: 'doc-th',
  tableSelection: 'doc-table-selection',
  tableCellSelected: 'doc-td-selected',
  tableScrollableWrapper: 'doc-table-scroll',
  text: {
    bold: 'doc-bold',
    italic: 'doc-italic',
    underline: 'doc-underline',
    strikethrough: 'doc-strike',
    underlineStrikethrough: 'doc-underline-strike',
    code: 'doc-code',
    highlight: 'doc-highlight',
  },
  // Remote cursors and selections (CollaborationPlugin); the person's colour arrives as
  // --lexical-cursor-color on each element.
  collaboration: {
    cursor: 'collab-caret',
    cursorName: 'collab-name',
    selection: 'collab-selection',
    selectionBg: 'collab-selection-bg',
  },
}
