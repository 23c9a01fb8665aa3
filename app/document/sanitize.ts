import sanitizeHtml, { type IOptions } from 'sanitize-html'

/**
 * Bumped whenever the allowlist below changes: stored versions rendered by an older one are
 * re-sanitized at start (app/services/version-html.server.ts, migration 00100).
 */
export const SANITIZER_VERSION = 2

const BLOCK = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'hr', 'br']
const INLINE = ['span', 'a', 'b', 'strong', 'i', 'em', 'u', 's', 'code', 'mark', 'sub', 'sup']
const TABLE = ['table', 'colgroup', 'col', 'thead', 'tbody', 'tr', 'th', 'td']

const OPTIONS: IOptions = {
  allowedTags: [...BLOCK, ...INLINE, ...TABLE],
  allowedAttributes: {
    '*': ['dir'],
    ...Object.fromEntries(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote'].map((tag) => [tag, ['style']])),
    a: ['href', 'target', 'rel', 'title'],
    // Chips: what ChipNode.exportDOM writes (the reading view paints their status from these).
    span: ['class', 'data-chip-kind', 'data-ref-id', 'data-ref-key'],
    ol: ['start'],
    // Check lists.
    li: ['value', 'role', 'aria-checked', 'style'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
  },
  allowedClasses: { span: ['ref-chip', 'ref-chip-capability', 'ref-chip-system', 'ref-chip-metric'] },
  // A block's alignment (pasted or imported; Lexical writes it as inline CSS): that one property,
  // keyword values only. Nothing else may style the page.
  allowedStyles: Object.fromEntries(
    ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'li'].map((tag) => [
      tag,
      { 'text-align': [/^(left|right|center|justify|start|end)$/] },
    ]),
  ),
  // Relative links stay (sanitize-html lets scheme-less URLs through); protocol-relative ones leave the site.
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // script, style, textarea…: dropped with their content; any other unknown tag: dropped, its text kept.
  disallowedTagsMode: 'discard',
}

/**
 * The one gate between a narrative's rendered HTML and anything that stores or serves it: an
 * element and attribute allowlist of what the editor produces (headings, paragraphs, lists,
 * links with http(s)/mailto/relative targets, tables, chips) and nothing else — no style
 * attributes, no event handlers, no script/style/meta/iframe. The schema check keeps bad nodes
 * out of documents; this keeps whatever got in before (or any renderer bug) out of the page.
 */
export function sanitizeNarrativeHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS)
}
