import * as Y from 'yjs'
import { checkAttribute, checkChild, checkHoldsText, checkNodeState, checkNodeType, type SharedKind } from './schema.ts'

/** The shared type the editor binds to (`doc.get('root', Y.XmlText)`); no other top-level type is used. */
export const ROOT_NAME = 'root'

/** The attribute @lexical/yjs keeps a node's NodeState in (a Y.Map). */
const STATE_KEY = '__state'
const STATE_MAP = Symbol('state map')

type Decoded = ReturnType<typeof Y.decodeUpdate>
type Struct = Decoded['structs'][number]

/** A shared type an update writes into: one already in the document, or one the update creates. */
interface Target {
  kind: SharedKind
  /** The type as it is in the document (null: created by this update). */
  existing: Y.AbstractType<unknown> | null
  /** The item creating it (null: in the document, or the root). */
  fresh: Y.Item | null
  isRoot: boolean
  /** A node's NodeState map (the Y.Map in its `__state` attribute): entries, no node type. */
  isState: boolean
  /** Attribute values this update writes, by key. */
  writes: Map<string, unknown[]>
  /** Sequence content this update inserts: text, or the child types it embeds. */
  holdsText: boolean
  children: Target[]
}

/** Where an item of the update lands: a type and an attribute key (null: the type's sequence). */
type Location = { target: Target; key: string | null } | { problem: string } | 'inert' | 'unknown'

/**
 * Checks a decoded update (V1) against the document schema before it is applied to `doc`: every
 * node type it creates is in the node list and stored the way @lexical/yjs stores it, every
 * attribute it writes is allowed on its node with a valid value, children sit in parents that may
 * hold them, and no attribute is removed from a live node. Returns null when the update may be
 * applied, else why not. It reads `doc` and never changes it.
 *
 * Yjs omits an item's parent when the item has a left or right neighbour (its origin), so the
 * parent and attribute key come from the neighbour, in `doc` or earlier in the same update. An
 * item whose neighbour is nowhere (data waiting for missing changes) cannot be placed and is
 * refused: it would land unchecked once its dependencies arrive. Items Yjs would discard (their
 * parent was deleted and collected) are not checked, nor are other top-level types than `root`:
 * neither the editor nor derive, render or export ever read them (the collaboration tests keep a
 * probe text there), and the document size limit bounds them.
 */
export function checkDecodedUpdate(doc: Y.Doc, decoded: Decoded): string | null {
  const problem = new UpdateChecker(doc, decoded).run()
  // Short and ASCII: it becomes a websocket close reason (at most 123 bytes).
  return problem === null ? null : problem.replace(/[^\x20-\x7e]/g, '?').slice(0, 100)
}

/** Parses `update` (V1) and checks it as checkDecodedUpdate does; null when it may be applied. */
export function checkUpdate(doc: Y.Doc, update: Uint8Array): string | null {
  let decoded: Decoded
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return 'update does not decode'
  }
  return checkDecodedUpdate(doc, decoded)
}

/** Null when a whole document state (V1) satisfies the schema, else the first problem found. */
export function checkDocumentState(state: Uint8Array): string | null {
  const empty = new Y.Doc()
  try {
    return checkUpdate(empty, state)
  } finally {
    empty.destroy()
  }
}

class UpdateChecker {
  private readonly byClient = new Map<number, Struct[]>()
  private readonly targets = new Map<string, Target>()
  private readonly locations = new Map<Struct, Location>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly decoded: Decoded,
  ) {
    for (const s of decoded.structs) {
      const list = this.byClient.get(s.id.client)
      if (list) list.push(s)
      else this.byClient.set(s.id.client, [s])
    }
  }

  run(): string | null {
    for (const struct of this.decoded.structs) {
      if (!(struct instanceof Y.Item)) continue
      // Already in the document: Yjs skips it.
      if (struct.id.clock + struct.length <= Y.getState(this.doc.store, struct.id.client)) continue
      if (struct.content instanceof Y.ContentDeleted) continue
      const problem = this.place(struct)
      if (problem) return problem
    }
    for (const target of this.targets.values()) {
      const problem = this.checkTarget(target)
      if (problem) return problem
    }
    return this.checkDeletions()
  }

  /** Records what `item` writes where; returns a problem when it can never be valid. */
  private place(item: Y.Item): string | null {
    const location = this.locate(item)
    if (location === 'inert') return null
    if (location === 'unknown') return 'update depends on changes the server does not have'
    if ('problem' in location) return location.problem
    const { target, key } = location
    const content = item.content
    if (key !== null) {
      if (key === STATE_KEY && content instanceof Y.ContentType && !target.isState) {
        const state = this.freshTarget(item)
        if (typeof state === 'string') return state
        target.writes.set(key, [STATE_MAP])
        return null
      }
      if (!(content instanceof Y.ContentAny)) return `attribute ${key} holds ${content.constructor.name}`
      const values = target.writes.get(key) ?? []
      values.push(content.getContent()[content.getLength() - 1])
      target.writes.set(key, values)
      return null
    }
    if (target.kind !== 'XmlText') return `content inside a ${target.kind}`
    if (content instanceof Y.ContentString) {
      target.holdsText = true
      return null
    }
    if (content instanceof Y.ContentType) {
      const child = this.freshTarget(item)
      if (typeof child === 'string') return child
      target.children.push(child)
      return null
    }
    return `${content.constructor.name} inside a document`
  }

  /** Where `item` lands (iteratively along its origins: a pasted run can chain thousands of them). */
  private locate(item: Y.Item): Location {
    const chain: Y.Item[] = []
    let current: Y.Item = item
    let found: Location
    for (;;) {
      const known = this.locations.get(current)
      if (known) {
        found = known
        break
      }
      if (current.parent !== null) {
        found = this.locateParent(current.parent as string | Y.ID, current.parentSub)
        break
      }
      const neighbour = current.origin ?? current.rightOrigin
      if (neighbour === null) {
        found = 'unknown'
        break
      }
      const inDoc = this.inDoc(neighbour)
      if (inDoc) {
        found = this.locateDocItem(inDoc)
        break
      }
      const inUpdate = this.inUpdate(neighbour)
      if (!(inUpdate instanceof Y.Item)) {
        found = inUpdate instanceof Y.GC ? 'inert' : 'unknown'
        break
      }
      chain.push(current)
      current = inUpdate
    }
    chain.push(current)
    for (const c of chain) this.locations.set(c, found)
    return found
  }

  private locateParent(parent: string | Y.ID, key: string | null): Location {
    if (typeof parent === 'string') {
      return parent === ROOT_NAME ? { target: this.rootTarget(), key } : 'inert'
    }
    const inDoc = this.inDoc(parent)
    if (inDoc) {
      // A parent that was deleted and collected (or is no type): Yjs discards the item.
      if (!(inDoc instanceof Y.Item) || !(inDoc.content instanceof Y.ContentType) || inDoc.deleted) return 'inert'
      const target = this.existingTarget(inDoc.content.type as Y.AbstractType<unknown>)
      return typeof target === 'string' ? { problem: target } : { target, key }
    }
    const inUpdate = this.inUpdate(parent)
    if (!inUpdate) return 'unknown'
    if (!(inUpdate instanceof Y.Item) || !(inUpdate.content instanceof Y.ContentType)) return 'inert'
    const target = this.freshTarget(inUpdate)
    return typeof target === 'string' ? { problem: target } : { target, key }
  }

  private locateDocItem(item: Y.Item | Y.GC): Location {
    if (!(item instanceof Y.Item)) return 'inert'
    const type = item.parent as Y.AbstractType<unknown> | null
    if (!type || type._item?.deleted) return 'inert'
    if (type._item === null) return Y.findRootTypeKey(type) === ROOT_NAME ? { target: this.rootTarget(), key: item.parentSub } : 'inert'
    const target = this.existingTarget(type)
    return typeof target === 'string' ? { problem: target } : { target, key: item.parentSub }
  }

  private rootTarget(): Target {
    return this.target('root', () => ({ kind: 'XmlText', existing: null, fresh: null, isRoot: true, isState: false }))
  }

  private existingTarget(type: Y.AbstractType<unknown>): Target | string {
    const kind = kindOf(type)
    if (!kind) return `shared type ${type.constructor.name}`
    const id = type._item!.id
    const isState = type._item!.parentSub === STATE_KEY
    return this.target(`${id.client}:${id.clock}`, () => ({ kind, existing: type, fresh: null, isRoot: false, isState }))
  }

  private freshTarget(item: Y.Item): Target | string {
    const type = (item.content as Y.ContentType).type as Y.AbstractType<unknown>
    const kind = kindOf(type)
    if (!kind) return `shared type ${type.constructor.name}`
    if (type instanceof Y.XmlElement && type.nodeName !== 'UNDEFINED') return `element name ${type.nodeName.slice(0, 40)}`
    const isState = item.parentSub === STATE_KEY
    if (isState ? kind !== 'Map' : item.parentSub !== null) return `a ${kind} stored as attribute ${item.parentSub?.slice(0, 40)}`
    return this.target(`${item.id.client}:${item.id.clock}`, () => ({ kind, existing: null, fresh: item, isRoot: false, isState }))
  }

  private target(key: string, make: () => Pick<Target, 'kind' | 'existing' | 'fresh' | 'isRoot' | 'isState'>): Target {
    let target = this.targets.get(key)
    if (!target) {
      target = { ...make(), writes: new Map(), holdsText: false, children: [] }
      this.targets.set(key, target)
    }
    return target
  }

  /** The node type of `target` after this update, or a problem. */
  private nodeTypeOf(target: Target): string | { problem: string } {
    if (target.isRoot) return 'root'
    const current = target.existing ? currentValue(target.existing, '__type') : undefined
    const written = target.writes.get('__type') ?? []
    const type = current ?? written[0]
    if (type === undefined) return { problem: target.existing ? 'a node without a type' : 'a new node without a type' }
    const problem = checkNodeType(type, target.kind)
    if (problem) return { problem }
    return type as string
  }

  private checkTarget(target: Target): string | null {
    // A node created and deleted within the update (a merged history) is never seen by anyone.
    if (target.fresh && Y.isDeleted(this.decoded.ds, target.fresh.id) && target.writes.size === 0) return null
    if (target.isState) {
      for (const [key, values] of target.writes) {
        for (const value of values) {
          const problem = checkNodeState(key, value)
          if (problem) return problem
        }
      }
      return null
    }
    const type = this.nodeTypeOf(target)
    if (typeof type !== 'string') return type.problem
    for (const [key, values] of target.writes) {
      if (key === STATE_KEY) continue // its entries are checked as a target of their own
      for (const value of values) {
        const problem = checkAttribute(type, key, value)
        if (problem) return problem
      }
    }
    if (target.holdsText) {
      const problem = checkHoldsText(type)
      if (problem) return problem
    }
    for (const child of target.children) {
      const childType = this.nodeTypeOf(child)
      if (typeof childType !== 'string') continue // reported with the child
      const problem = checkChild(type, childType)
      if (problem) return problem
    }
    return null
  }

  /** Refuses deleting a live node's attribute without writing a new value (its node stays, untyped or half-set). */
  private checkDeletions(): string | null {
    for (const [client, ranges] of this.decoded.ds.clients) {
      const structs = this.doc.store.clients.get(client)
      if (!structs) continue
      const state = Y.getState(this.doc.store, client)
      for (const { clock, len } of ranges) {
        if (clock >= state) continue
        for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) {
          const item = structs[i]!
          if (!(item instanceof Y.Item) || item.deleted || item.parentSub === null) continue
          const parent = item.parent as Y.AbstractType<unknown>
          if (parent._map.get(item.parentSub) !== item) continue
          const parentItem = parent._item
          if (parentItem && (parentItem.deleted || Y.isDeleted(this.decoded.ds, parentItem.id))) continue
          const key = parentItem ? `${parentItem.id.client}:${parentItem.id.clock}` : 'root'
          if (!this.targets.get(key)?.writes.has(item.parentSub)) return `attribute ${item.parentSub.slice(0, 40)} removed`
        }
      }
    }
    return null
  }

  private inDoc(id: Y.ID): Y.Item | Y.GC | null {
    if (id.clock >= Y.getState(this.doc.store, id.client)) return null
    const structs = this.doc.store.clients.get(id.client)!
    return structs[Y.findIndexSS(structs, id.clock)] ?? null
  }

  private inUpdate(id: Y.ID): Struct | null {
    const list = this.byClient.get(id.client)
    if (!list) return null
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = list[mid]!
      if (id.clock < s.id.clock) hi = mid - 1
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1
      else return s instanceof Y.Skip ? null : s
    }
    return null
  }
}

function kindOf(type: Y.AbstractType<unknown>): SharedKind | null {
  if (type instanceof Y.XmlText) return 'XmlText'
  if (type instanceof Y.XmlElement) return 'XmlElement'
  if (type instanceof Y.Map) return 'Map'
  return null
}

function currentValue(type: Y.AbstractType<unknown>, key: string): unknown {
  const item = type._map.get(key)
  if (!item || item.deleted) return undefined
  return item.content.getContent()[item.content.getLength() - 1]
}
