/**
 * The /api/v1 conventions in one place: cursor pages, ETags with If-Match / If-None-Match, and
 * Idempotency-Key replays (rate limits: rate-limit.server.ts, applied in requireApiActor).
 */
import { createHash } from 'node:crypto'
import { json } from '@remix-run/node'
import { AppError, conflict, invalid, preconditionFailed, tooLarge, unprocessable } from '#app/domain/errors.ts'
import type { Actor } from '#app/domain/policies.ts'
import { ETAG_PATTERN, IdempotencyKeySchema, PageQuerySchema, type PageQuery } from '#app/schemas/api-conventions.ts'
import type { IfMatch } from '#app/services/preconditions.server.ts'
import { getSql } from '#db/client.ts'
import * as q from '#db/queries/api-conventions.ts'
import { fieldErrorsOf } from './http.server.ts'

// ---------- Cursor pagination ----------

/** One sort key component; a page is ordered by a tuple of them, the last one unique (an id). */
export type SortValue = string | number
export interface SortSpec<T> {
  /** The list's name: a cursor of another list is refused. */
  list: string
  /** The item's position in the list's total order, e.g. [name, id]. */
  key: (item: T) => SortValue[]
  /** Per component: 'desc' for descending (default ascending). */
  desc?: boolean[]
}

interface CursorPayload {
  l: string
  f: string
  k: SortValue[]
}

/** A short digest of the filters, so a cursor is only used with the query that produced it. */
function filterDigest(url: URL) {
  const params = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'cursor' && k !== 'limit')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256').update(JSON.stringify(params)).digest('base64url').slice(0, 10)
}

const badCursor = (why: string) => invalid('The cursor cannot be used', { cursor: [why] })

export function encodeCursor(payload: CursorPayload) {
  return Buffer.from(JSON.stringify(payload)).toString('base64url')
}

/** `?limit=&cursor=` of `request`, the cursor decoded and checked against `list` and the filters. */
export function readPage(request: Request, list: string): PageQuery & { after: SortValue[] | null } {
  const url = new URL(request.url)
  const parsed = PageQuerySchema.safeParse({
    limit: url.searchParams.get('limit') ?? undefined,
    cursor: url.searchParams.get('cursor') ?? undefined,
  })
  if (!parsed.success) throw invalid('Some fields need attention', fieldErrorsOf(parsed.error))
  const { limit, cursor } = parsed.data
  if (!cursor) return { limit, cursor, after: null }
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badCursor('cursor is not one this API issued')
  }
  const p = payload as Partial<CursorPayload> | null
  if (!p || typeof p !== 'object' || typeof p.l !== 'string' || typeof p.f !== 'string' || !Array.isArray(p.k)) {
    throw badCursor('cursor is not one this API issued')
  }
  if (!p.k.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
    throw badCursor('cursor is not one this API issued')
  if (p.l !== list) throw badCursor('cursor belongs to another list')
  if (p.f !== filterDigest(url)) throw badCursor('cursor was issued for other filters: send the same query parameters with it')
  return { limit, cursor, after: p.k }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The SQL keyset of a (timestamp, uuid) list: `limit` and the previous page's last key. */
export function keysetOf(page: { limit: number; after: SortValue[] | null }): q.Keyset {
  if (!page.after) return { after: null, limit: page.limit }
  const [micros, id] = page.after
  if (page.after.length !== 2 || typeof micros !== 'string' || !/^\d{1,18}$/.test(micros) || typeof id !== 'string' || !UUID.test(id)) {
    throw badCursor('cursor is not one this API issued')
  }
  return { after: { micros, id }, limit: page.limit }
}

/** The sort spec of a keyset list read with `keysetOf` (rows carry `sortMicros` and `id`). */
export const keysetSpec = <T extends { sortMicros: string; id: string }>(list: string): SortSpec<T> => ({
  list,
  key: (r) => [r.sortMicros, r.id],
})

function compareKeys(a: SortValue[], b: SortValue[], desc: boolean[] = []) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined) return -1
    if (y === undefined) return 1
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1
    return desc[i] ? -c : c
  }
  return 0
}

export interface Page<T> {
  data: T[]
  nextCursor: string | null
  /** The URL of the next page (for the Link header), or null. */
  next: string | null
}

/**
 * One page of a list that is already all in memory (small per-workspace lists): sorted by the
 * spec's total order, so pages neither repeat nor skip items even when rows change in between.
 */
export function pageInMemory<T>(request: Request, items: T[], spec: SortSpec<T>): Page<T> {
  const page = readPage(request, spec.list)
  const keyed = items.map((item) => ({ item, key: spec.key(item) })).sort((a, b) => compareKeys(a.key, b.key, spec.desc))
  const after = page.after
  const start = after ? keyed.findIndex((x) => compareKeys(x.key, after, spec.desc) > 0) : 0
  const rest = start < 0 ? [] : keyed.slice(start)
  const shown = rest.slice(0, page.limit)
  const last = shown[shown.length - 1]
  return finishPage(
    request,
    spec.list,
    shown.map((x) => x.item),
    rest.length > page.limit && last ? last.key : null,
  )
}

/**
 * A page read from SQL by keyset: the caller asked for `limit + 1` rows after the cursor's key;
 * the extra row only says whether there is a next page.
 */
export function pageFromRows<T>(request: Request, rows: T[], spec: SortSpec<T>, limit: number): Page<T> {
  const shown = rows.slice(0, limit)
  const last = shown[shown.length - 1]
  return finishPage(request, spec.list, shown, rows.length > limit && last ? spec.key(last) : null)
}

function finishPage<T>(request: Request, list: string, data: T[], lastKey: SortValue[] | null): Page<T> {
  if (!lastKey) return { data, nextCursor: null, next: null }
  const url = new URL(request.url)
  const nextCursor = encodeCursor({ l: list, f: filterDigest(url), k: lastKey })
  url.searchParams.set('cursor', nextCursor)
  return { data, nextCursor, next: url.pathname + url.search }
}

/** `{ data, nextCursor, ...extra }` with a `Link: <…>; rel="next"` header when there is more. */
export function pageJson<T>(page: Page<T>, extra: Record<string, unknown> = {}, init: ResponseInit = {}) {
  const headers = new Headers(init.headers)
  if (page.next) headers.set('Link', `<${page.next}>; rel="next"`)
  return json({ ...extra, data: page.data, nextCursor: page.nextCursor }, { ...init, headers })
}

// ---------- ETags ----------

/**
 * `"<row version>-<digest of the body>"`: If-None-Match compares the whole tag (the exact
 * representation, embedded lists included); If-Match compares the row version, which the write
 * checks atomically.
 */
export function etagFor(version: number, body: unknown) {
  return `"${version}-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`
}

function tagsOf(header: string) {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
}

/** The versions `If-Match` allows: null when absent or `*` (unconditional); 400 when malformed. */
export function readIfMatch(request: Request): IfMatch {
  const header = request.headers.get('If-Match')
  if (header === null || header.trim() === '*') return null
  const versions: number[] = []
  for (const tag of tagsOf(header)) {
    const m = ETAG_PATTERN.exec(tag)
    if (!m?.[1]) throw invalid('If-Match must hold ETags this API sent', { 'If-Match': [`${tag.slice(0, 80)} is not an ETag of this API`] })
    versions.push(Number(m[1]))
  }
  if (!versions.length) throw invalid('If-Match must hold ETags this API sent', { 'If-Match': ['If-Match is empty'] })
  return versions
}

export async function currentVersion(ref: q.VersionedRef) {
  return q.getRowVersion(getSql(), ref)
}

/**
 * A single object's answer with its ETag; 304 when If-None-Match names it. `version` is read
 * before the object, so a write in between makes the tag older, never newer, than the body.
 */
export function jsonWithETag(request: Request, version: number | null, body: unknown, init: ResponseInit = {}) {
  if (version === null) return json(body, init)
  const etag = etagFor(version, body)
  const headers = new Headers(init.headers)
  headers.set('ETag', etag)
  const inm = request.headers.get('If-None-Match')
  if (inm && (inm.trim() === '*' || tagsOf(inm).some((t) => t.replace(/^W\//, '') === etag))) {
    return new Response(null, { status: 304, headers })
  }
  return json(body, { ...init, headers })
}

/**
 * A conditional update: `update` gets the If-Match versions to check inside its transaction;
 * then the object is read again and answered with its new ETag. `represent` gives the object as
 * its GET answers it (what the ETag digests); `respond` what the update answers, when that is
 * less. A stale If-Match becomes a 412 whose detail (and ETag header) names the current tag.
 */
export async function conditionalUpdate<B>(
  request: Request,
  ref: q.VersionedRef,
  update: (ifMatch: IfMatch) => Promise<unknown>,
  represent: () => Promise<B>,
  respond: (body: B) => unknown = (body) => body,
): Promise<Response> {
  const ifMatch = readIfMatch(request)
  try {
    await update(ifMatch)
  } catch (e) {
    if (e instanceof AppError && e.status === 412 && e.extra?.stale) {
      const version = await currentVersion(ref)
      const etag = version === null ? null : etagFor(version, await represent())
      throw preconditionFailed(
        `${e.message}: nothing was changed. The current ETag is ${etag ?? 'gone'}; read it again and retry with that If-Match`,
        { currentETag: etag },
        etag ? { ETag: etag } : undefined,
      )
    }
    throw e
  }
  const version = await currentVersion(ref)
  const body = await represent()
  if (version === null) return json(respond(body))
  return json(respond(body), { headers: { ETag: etagFor(version, body) } })
}

// ---------- Idempotency keys ----------

const IDEMPOTENT_MAX_BYTES = 6 * 1024 * 1024

/**
 * Runs a create at most once per `Idempotency-Key` (per user and workspace, 24 h): a retry with
 * the same key and body replays the stored answer with `Idempotent-Replayed: true`; another body
 * is a 422; while the first is still running, a 409. Without the header the create just runs.
 * Only successful answers are kept; a failure frees the key for a retry.
 */
export async function idempotent(request: Request, actor: Actor, create: () => Promise<Response>): Promise<Response> {
  const raw = request.headers.get('Idempotency-Key')
  if (raw === null) return create()
  const parsed = IdempotencyKeySchema.safeParse(raw)
  if (!parsed.success) throw invalid('Idempotency-Key is not usable', { 'Idempotency-Key': parsed.error.issues.map((i) => i.message) })
  const url = new URL(request.url)
  // Hashed before the handler reads it; the handlers' own (smaller) limits still apply after.
  if (Number(request.headers.get('Content-Length') ?? 0) > IDEMPOTENT_MAX_BYTES) throw tooLarge('The body is too large')
  const body = await request.clone().text()
  const requestHash = createHash('sha256').update(`${request.method} ${url.pathname}${url.search}\n`).update(body).digest('hex')
  const k = { userId: actor.userId, workspaceId: actor.workspaceId, key: parsed.data }
  const sql = getSql()
  if (!(await q.claimIdempotencyKey(sql, { ...k, requestHash }))) {
    const stored = await q.getIdempotencyKey(sql, k)
    if (!stored) throw conflict('A request with this Idempotency-Key just finished; retry in a moment')
    if (stored.requestHash !== requestHash) {
      throw unprocessable('This Idempotency-Key was used with another request: use a new key for a new request', {
        'Idempotency-Key': ['was used with another method, path or body'],
      })
    }
    if (stored.status === null) throw conflict('A request with this Idempotency-Key is still running; retry when it has finished')
    const headers: Record<string, string> = { 'Idempotent-Replayed': 'true' }
    if (stored.contentType) headers['Content-Type'] = stored.contentType
    if (stored.location) headers.Location = stored.location
    return new Response(stored.body, { status: stored.status, headers })
  }
  let response: Response
  try {
    response = await create()
  } catch (e) {
    await q.releaseIdempotencyKey(sql, k)
    throw e
  }
  if (response.status >= 200 && response.status < 300) {
    await q.storeIdempotentResponse(sql, k, {
      status: response.status,
      contentType: response.headers.get('Content-Type'),
      location: response.headers.get('Location'),
      body: await response.clone().text(),
    })
  } else {
    await q.releaseIdempotencyKey(sql, k)
  }
  return response
}
