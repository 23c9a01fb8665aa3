import { createCommand, type LexicalCommand } from 'lexical'

/** Opens the inline link editor on the current selection (toolbar button, Ctrl/⌘-K). */
export const OPEN_LINK_EDITOR_COMMAND: LexicalCommand<void> = createCommand('OPEN_LINK_EDITOR_COMMAND')
