/**
 * The narrative document schema: which Lexical node types may appear in a narrative's Yjs document,
 * where, and which attribute values each may carry. @lexical/yjs copies any attribute of a shared
 * type onto the Lexical node it builds (`__tag` becomes the element's tag name, `__style` its CSS),
 * so whatever a peer writes ends up in every editor and in the frozen HTML: the server refuses any
 * update that writes outside this allowlist (server/collab/update-check.ts).
 *
 * Pure data and predicates: the node types are named as strings (THE node list is
 * app/document/nodes.ts; `schema.test.ts` checks the two agree), values are checked by type and
 * pattern. A property the editor does not offer (inline CSS, cell colours) must stay at its default.
 */

/** How @lexical/yjs stores a node: elements as Y.XmlText, text and line breaks as Y.Map, decorators as Y.XmlElement. */
export type SharedKind = 'XmlText' | 'Map' | 'XmlElement'

type Check = (value: unknown) => boolean

const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v)
const bool: Check = (v) => typeof v === 'boolean'
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v)
const orUndefined =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v)
const text =
  (max: number, pattern?: RegExp): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max && (!pattern || pattern.test(v))
/** Inline CSS: the editor has no control that sets any, so only the empty default passes. */
const noStyle: Check = (v) => v === ''

/** A link target the reading view may follow: http(s), mailto, tel, or a path on this site (the link editor offers these). */
export function isSafeHref(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2048) return false
  // Control characters and whitespace tricks (`java\tscript:`) are never part of a real link.
  if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v)
  if (scheme) return ['http', 'https', 'mailto', 'tel'].includes(scheme[1]!.toLowerCase())
  // Relative, but not protocol-relative (`//evil.example`), which leaves the site.
  return !v.startsWith('//') && !v.startsWith('\\')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Same pattern as MetricKeySchema (app/schemas/metrics.ts). */
const METRIC_KEY = /^[a-z][a-z0-9_]{1,62}$/

/** TextNode format bits (bold … capitalize) and element alignment (left … end), as Lexical numbers them. */
const TEXT_FORMAT = int(0, 2047)
const ELEMENT_FORMAT = int(0, 6)

const elementAttributes: Record<string, Check> = {
  __type: text(32),
  __format: ELEMENT_FORMAT,
  __style: noStyle,
  __indent: int(0, 40),
  __dir: oneOf(null, 'ltr', 'rtl', 'auto'),
  __textFormat: TEXT_FORMAT,
  __textStyle: noStyle,
}

const textAttributes: Record<string, Check> = {
  __type: text(32),
  __format: TEXT_FORMAT,
  __style: noStyle,
  // normal, token, segmented
  __mode: int(0, 2),
  // directionless, unmergeable
  __detail: int(0, 3),
}

const linkAttributes: Record<string, Check> = {
  ...elementAttributes,
  __url: isSafeHref,
  __target: orNull(oneOf('_blank', '_self', '_parent', '_top')),
  __rel: orNull(text(100, /^[a-z ]*$/)),
  __title: orNull(text(500)),
}

/** Which children a node holds: block-level content, inline content, or named types. */
type Children = 'blocks' | 'inline' | 'none' | readonly string[]

export interface NodeRule {
  kind: SharedKind
  /**
   * Block-level nodes sit in the root and in table cells, inline ones inside paragraphs; nested
   * ones (list items, table rows and cells) only in the parents that name them.
   */
  level: 'block' | 'inline' | 'nested' | 'root'
  children: Children
  attributes: Record<string, Check>
}

const INLINE_CHILDREN: Children = 'inline'

/** THE schema: every node type of the node list, plus Lexical's built-ins (root, paragraph, text, tab, linebreak). */
export const documentSchema: Readonly<Record<string, NodeRule>> = {
  root: { kind: 'XmlText', level: 'root', children: 'blocks', attributes: elementAttributes },
  paragraph: { kind: 'XmlText', level: 'block', children: INLINE_CHILDREN, attributes: elementAttributes },
  heading: {
    kind: 'XmlText',
    level: 'block',
    children: INLINE_CHILDREN,
    attributes: { ...elementAttributes, __tag: oneOf('h1', 'h2', 'h3', 'h4', 'h5', 'h6') },
  },
  quote: { kind: 'XmlText', level: 'block', children: INLINE_CHILDREN, attributes: elementAttributes },
  list: {
    kind: 'XmlText',
    level: 'block',
    children: ['listitem'],
    attributes: {
      ...elementAttributes,
      __tag: oneOf('ul', 'ol'),
      __listType: oneOf('bullet', 'number', 'check'),
      __start: int(0, 1_000_000),
    },
  },
  listitem: {
    kind: 'XmlText',
    level: 'nested',
    // A nested list is a list inside a list item.
    children: 'inline',
    attributes: { ...elementAttributes, __value: int(0, 1_000_000), __checked: orUndefined(bool) },
  },
  link: { kind: 'XmlText', level: 'inline', children: INLINE_CHILDREN, attributes: linkAttributes },
  autolink: { kind: 'XmlText', level: 'inline', children: INLINE_CHILDREN, attributes: { ...linkAttributes, __isUnlinked: bool } },
  mark: {
    kind: 'XmlText',
    level: 'inline',
    children: INLINE_CHILDREN,
    attributes: {
      ...elementAttributes,
      __ids: (v) => Array.isArray(v) && v.length <= 100 && v.every((id) => typeof id === 'string' && /^[\w:-]{1,100}$/.test(id)),
    },
  },
  table: {
    kind: 'XmlText',
    level: 'block',
    children: ['tablerow'],
    attributes: {
      ...elementAttributes,
      __rowStriping: bool,
      __frozenColumnCount: int(0, 100),
      __frozenRowCount: int(0, 100),
      __colWidths: orUndefined(
        (v) => Array.isArray(v) && v.length <= 100 && v.every((w) => typeof w === 'number' && w >= 0 && w <= 10_000),
      ),
    },
  },
  tablerow: {
    kind: 'XmlText',
    level: 'nested',
    children: ['tablecell'],
    attributes: { ...elementAttributes, __height: orUndefined(int(0, 10_000)) },
  },
  tablecell: {
    kind: 'XmlText',
    level: 'nested',
    children: 'blocks',
    attributes: {
      ...elementAttributes,
      __colSpan: int(1, 100),
      __rowSpan: int(1, 100),
      __headerState: int(0, 3),
      __width: orUndefined((v) => typeof v === 'number' && v >= 0 && v <= 10_000),
      // The table plugin runs with hasCellBackgroundColor={false}: no cell colour is ever set.
      __backgroundColor: oneOf(null),
      __verticalAlign: orUndefined(oneOf('top', 'middle', 'bottom')),
    },
  },
  horizontalrule: { kind: 'XmlElement', level: 'block', children: 'none', attributes: { __type: text(32) } },
  text: { kind: 'Map', level: 'inline', children: 'none', attributes: textAttributes },
  tab: { kind: 'Map', level: 'inline', children: 'none', attributes: textAttributes },
  linebreak: { kind: 'Map', level: 'inline', children: 'none', attributes: { __type: text(32) } },
  chip: {
    kind: 'Map',
    level: 'inline',
    children: 'none',
    attributes: {
      ...textAttributes,
      __chipKind: oneOf('capability', 'system', 'metric'),
      __refId: (v) => v === '' || (typeof v === 'string' && UUID.test(v)),
      __refKey: (v) => v === '' || (typeof v === 'string' && METRIC_KEY.test(v)),
    },
  },
}

/**
 * Lexical's NodeState entries (stored by @lexical/yjs as a Y.Map in the node's `__state`
 * attribute): the markdown import and shortcuts remember a list's marker and a hard break's form.
 */
const nodeState: Record<string, Check> = {
  mdListMarker: oneOf('-', '*', '+'),
  mdHardLineBreak: (v) => v === '' || (typeof v === 'string' && /^(\\| {2,8})$/.test(v)),
  shadowRoot: bool,
}

/** Null when a node may carry NodeState entry `key` = `value`, else why not. */
export function checkNodeState(key: string, value: unknown): string | null {
  if (!Object.hasOwn(nodeState, key)) return `node state ${describe(key)} not allowed`
  return nodeState[key]!(value) ? null : `invalid node state ${key}: ${describe(value)}`
}

/** The node types of `documentSchema` that are not Lexical built-ins: must equal THE node list's types. */
export const BUILT_IN_TYPES: readonly string[] = ['root', 'paragraph', 'text', 'tab', 'linebreak']

/** Null when `type` may be stored as a shared type of `kind`, else why not. */
export function checkNodeType(type: unknown, kind: SharedKind): string | null {
  if (typeof type !== 'string' || !Object.hasOwn(documentSchema, type) || type === 'root') return `unknown node type ${describe(type)}`
  if (documentSchema[type]!.kind !== kind) return `node type ${type} stored as ${kind}`
  return null
}

/** Null when node `type` may carry attribute `key` = `value`, else why not. */
export function checkAttribute(type: string, key: string, value: unknown): string | null {
  const rule = documentSchema[type]
  if (!rule) return `unknown node type ${describe(type)}`
  if (!Object.hasOwn(rule.attributes, key)) return `attribute ${describe(key)} not allowed on ${type}`
  if (key === '__type') return value === type ? null : `node type changed to ${describe(value)}`
  return rule.attributes[key]!(value) ? null : `invalid ${key} on ${type}: ${describe(value)}`
}

/** Null when a node of type `child` may be a child of a node of type `parent`, else why not. */
export function checkChild(parent: string, child: string): string | null {
  const p = documentSchema[parent]
  const c = documentSchema[child]
  if (!p || !c) return `unknown node type ${describe(p ? child : parent)}`
  const ok =
    p.children === 'blocks'
      ? c.level === 'block'
      : p.children === 'inline'
        ? c.level === 'inline' || (parent === 'listitem' && child === 'list')
        : p.children !== 'none' && p.children.includes(child)
  return ok ? null : `${child} inside ${parent}`
}

/** Null when node `type` may hold text directly (a string in its Y.XmlText), else why not. */
export function checkHoldsText(type: string): string | null {
  return documentSchema[type]?.children === 'inline' ? null : `text directly inside ${type}`
}

function describe(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}
