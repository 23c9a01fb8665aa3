import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Sql } from '#db/client.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import { canReadNarrative } from '#app/domain/policies.ts'
import { bus } from '#app/events/bus.ts'
import { log } from '#app/utils/log.ts'
import { authorizeUpgrade, collabRoomOf, credentialsOf, decide, type UpgradeDecision } from './auth.ts'
import { Connection } from './connection.ts'
import { CollabDocument, type DocChannel, type DocumentInfo } from './document.ts'
import { Committer } from './committer.ts'
import { warmUpYjs } from './fold.ts'
import { DEFAULT_LIMITS, type Limits } from './limits.ts'
import { mergePresence, PRESENCE_KEY, PRESENCE_REFRESH_MS, PRESENCE_STALE_MS, type PresenceEntry } from './presence.ts'
import { attachLiveDocuments, liveDocuments, type PresentUser } from '#app/document/live.ts'
import type { DocumentHooks } from '#app/document/hooks.ts'
import type { RedisLink } from '#server/events/redis.ts'

export interface CollabOptions {
  sql: Sql
  /** The app's public URL; its origin is the only Origin accepted. Defaults to the Host header. */
  appUrl?: string
  limits?: Partial<Limits>
  /** With several instances: the Redis link documents exchange committed updates and awareness on. */
  redis?: RedisLink | null
  /** The app's behaviour (app/services/narrative-changes.server.ts documentHooks): the server imports no service. */
  hooks: DocumentHooks
}

/** The collaboration server attached to an HTTP server. */
export interface CollabServer {
  /** Stops accepting, commits every pending update, closes every socket with 1001. */
  shutdown(): Promise<void>
  /** Signed-in users with the narrative open on this instance. */
  presence(narrativeId: string): PresentUser[]
  /** Signed-in users with each narrative open on any instance (Redis with several; else this one). */
  presenceOf(narrativeIds: string[]): Promise<Map<string, PresentUser[]>>
  /** Commits what the open copy of the narrative holds (no-op when it is not open here). */
  flush(narrativeId: string): Promise<void>
  /** Applies a server-made update (a restore) through the open copy; false when not open here. */
  applyServerUpdate(narrativeId: string, update: Uint8Array, authorId: string | null): Promise<boolean>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref())
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * Serves the y-websocket protocol at `/collab/<narrativeId>` on `server`: authorizes the upgrade,
 * loads the document from PostgreSQL before the first sync, and persists every writer update.
 */
export function attachCollab(server: http.Server, opts: CollabOptions): CollabServer {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits }
  const sql = opts.sql
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false })
  const docs = new Map<string, CollabDocument>()
  /** Documents being written out before they are dropped; a new load of the id waits for it. */
  const leaving = new Map<string, Promise<void>>()
  const connections = new Set<Connection>()
  const committer = new Committer(sql)
  const redis = opts.redis ?? null
  const openChannel = redis
    ? (doc: CollabDocument): DocChannel => {
        const channel = `accord:doc:${doc.id}`
        return {
          join: () =>
            redis.subscribe(channel, (payload) => {
              if (payload.byteLength > 0) doc.onClusterMessage(payload[0]!, payload.subarray(1))
            }),
          publish: (kind, payload) => {
            const message = new Uint8Array(payload.byteLength + 1)
            message[0] = kind
            message.set(payload, 1)
            redis.publish(channel, message)
          },
          leave: () => {
            // A newer copy of the same document (after a reload) keeps the subscription.
            if (docs.get(doc.id) === doc || !docs.has(doc.id)) redis.unsubscribe(channel)
          },
        }
      }
    : null
  const stopCatchUp = redis?.onResubscribed(() => {
    for (const doc of docs.values()) {
      doc.announce()
      doc.catchUp().catch((e: unknown) => log.warn(`collab: catch-up of narrative ${doc.id} failed: ${errorMessage(e)}`))
    }
  })
  /** Admission control for loads: a reconnect storm queues at most maxQueuedLoads, the rest retry later (4504). */
  let loading = 0
  const loadQueue: (() => void)[] = []
  const admitLoad = async <T>(load: () => Promise<T>): Promise<T> => {
    if (loading >= limits.maxConcurrentLoads) await new Promise<void>((resolve) => loadQueue.push(resolve))
    loading++
    try {
      return await load()
    } finally {
      loading--
      loadQueue.shift()?.()
    }
  }
  let stopping = false
  /** Counts access changes seen, so an upgrade authorized across one is checked again. */
  let accessChanges = 0

  // Presence across instances: each instance writes who it serves per narrative into the
  // narrative's Redis hash (one field per instance), on change (coalesced) and every
  // PRESENCE_REFRESH_MS; readers ignore entries older than PRESENCE_STALE_MS (a killed instance).
  const presenceField = redis ? redis.instanceId.toString('hex') : ''
  const presenceDirty = new Set<string>()
  let presenceTimer: NodeJS.Timeout | null = null
  const writePresence = (ids: Iterable<string>) => {
    if (!redis) return
    for (const id of ids) {
      const users = docs.get(id)?.presence() ?? []
      if (users.length === 0) redis.hashDelete(PRESENCE_KEY(id), presenceField)
      else {
        const entry: PresenceEntry = { at: Date.now(), users }
        redis.hashSet(PRESENCE_KEY(id), presenceField, JSON.stringify(entry), PRESENCE_STALE_MS * 2)
      }
    }
  }
  const presenceChanged = (id: string) => {
    if (!redis || stopping) return
    presenceDirty.add(id)
    presenceTimer ??= setTimeout(() => {
      presenceTimer = null
      const ids = [...presenceDirty]
      presenceDirty.clear()
      writePresence(ids)
    }, 100)
  }
  const presenceRefresh = redis
    ? setInterval(() => writePresence([...docs.values()].filter((d) => d.peers.size > 0).map((d) => d.id)), PRESENCE_REFRESH_MS)
    : null
  presenceRefresh?.unref()

  const refuse = (req: http.IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string) => {
    if (socket.destroyed) return
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason))
  }

  /** Writes a document out and drops it, unless someone joined meanwhile. */
  const unload = (doc: CollabDocument) => {
    if (docs.get(doc.id) !== doc || leaving.has(doc.id)) return
    const done = (async () => {
      await doc.persist()
      if (doc.isIdle() || doc.closing) {
        docs.delete(doc.id)
        doc.destroy()
      }
    })()
      .catch((e: unknown) => {
        log.warn(`collab: unloading narrative ${doc.id} failed: ${errorMessage(e)}`)
      })
      .finally(() => leaving.delete(doc.id))
    leaving.set(doc.id, done)
  }

  const openDocument = async (info: DocumentInfo): Promise<CollabDocument | null> => {
    for (;;) {
      const existing = docs.get(info.id)
      if (existing && !existing.closing) return existing
      const previous = leaving.get(info.id)
      if (!previous) break
      await previous
    }
    if (loadQueue.length >= limits.maxQueuedLoads) return null
    const doc = new CollabDocument(info, sql, limits, unload, committer, opts.hooks, openChannel, admitLoad)
    docs.set(info.id, doc)
    doc.ready.catch(() => {
      if (docs.get(info.id) === doc) docs.delete(info.id)
      doc.destroy()
    })
    return doc
  }

  const onUpgrade = async (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const narrativeId = collabRoomOf(req.url)
    if (narrativeId === null) {
      // Not ours; with no other upgrade handler nobody would answer it.
      if (server.listenerCount('upgrade') === 1) socket.destroy()
      return
    }
    socket.on('error', () => {})
    if (stopping) return refuse(req, socket, head, CloseCode.GoingAway, 'Server shutting down')
    // An access change from here on may not have been seen by the authorization: re-checked once in.
    const changesBefore = accessChanges
    let decision
    try {
      decision = await authorizeUpgrade(sql, req, narrativeId, { appUrl: opts.appUrl })
    } catch (e) {
      log.warn(`collab: authorizing an upgrade failed: ${errorMessage(e)}`)
      return refuse(req, socket, head, CloseCode.RetryLater, 'Try again later')
    }
    if (!decision.ok) return refuse(req, socket, head, decision.code, decision.reason)
    if (stopping) return refuse(req, socket, head, CloseCode.GoingAway, 'Server shutting down')

    const doc = await openDocument(decision.narrative)
    if (!doc) return refuse(req, socket, head, CloseCode.RetryLater, 'Busy loading documents, retry later')
    doc.joining++
    doc.cancelUnload()
    let settled: UpgradeDecision = decision
    try {
      await doc.ready
      // A reader follows no drafts: edits the app has not yet heard of (an edit after approval
      // makes a draft revision) are settled first, and the rights decided again on the result.
      if (!canReadNarrative(decision.actor, { status: 'draft' })) {
        await doc.settleChanges()
        settled = (await decide(sql, credentialsOf(req), narrativeId)).decision
      }
    } catch (e) {
      doc.joining--
      log.warn(`collab: loading narrative ${narrativeId} failed: ${errorMessage(e)}`)
      return refuse(req, socket, head, CloseCode.RetryLater, 'Document could not be loaded')
    }
    doc.joining--
    if (!settled.ok) {
      doc.leftWhileJoining()
      return refuse(req, socket, head, settled.code, settled.reason)
    }
    if (stopping || doc.closing) {
      doc.leftWhileJoining()
      return refuse(req, socket, head, CloseCode.RetryLater, 'Try again later')
    }
    if (doc.peers.size >= limits.maxConnectionsPerDocument) {
      doc.leftWhileJoining()
      return refuse(req, socket, head, CloseCode.TooManyConnections, 'Too many connections on this narrative')
    }
    if (socket.destroyed) return doc.leftWhileJoining()
    const { user, actor, canWrite } = decision
    // handleUpgrade answers synchronously here (no async verifyClient), so nobody can join in between.
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const rights = {
        user,
        workspaceId: actor.workspaceId,
        role: actor.role,
        canWrite,
        followsDrafts: canReadNarrative(actor, { status: 'draft' }),
        credentials: credentialsOf(req),
      }
      const connection = new Connection(ws, doc, rights, limits)
      connections.add(connection)
      if (accessChanges !== changesBefore) void recheck((c) => c === connection)
      presenceChanged(doc.id)
      ws.on('close', () => {
        connections.delete(connection)
        presenceChanged(doc.id)
      })
    })
  }

  const upgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((e: unknown) => {
      log.warn(`collab: upgrade failed: ${errorMessage(e)}`)
      socket.destroy()
    })
  }
  server.on('upgrade', upgradeListener)
  // Off the start-up path: the first open after a start should not pay the JIT warm-up of Yjs.
  setTimeout(() => {
    if (!stopping) warmUpYjs()
  }, 50).unref()

  /**
   * The one reaction to a change of who may do what (a narrative's status, a membership, a
   * revoked token), on every instance: the sockets `which` selects are checked again with the
   * credentials they opened with, and each whose rights differ now is closed with 4205 — its client
   * reconnects and gets what it may have (or a 44xx refusal). Unchanged sockets stay open.
   */
  const recheck = async (which: (c: Connection) => boolean) => {
    await Promise.all(
      [...connections].filter(which).map(async (c) => {
        let still = false
        try {
          const { decision } = await decide(sql, c.credentials, c.doc.id)
          still = decision.ok && decision.canWrite === c.canWrite
        } catch (e) {
          log.warn(`collab: re-checking a socket on narrative ${c.doc.id} failed, closing it: ${errorMessage(e)}`)
        }
        if (!still) c.close(CloseCode.PermissionsChanged, 'Permissions changed')
      }),
    )
  }
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'membership.changed') {
      accessChanges++
      void recheck((c) => c.workspaceId === event.workspaceId && c.user.userId === event.userId)
    } else if (event.type === 'access.changed') {
      accessChanges++
      void recheck((c) => c.workspaceId === event.workspaceId && (!event.narrativeId || c.doc.id === event.narrativeId))
    }
  })

  const collab: CollabServer = {
    presence: (narrativeId) => docs.get(narrativeId)?.presence() ?? [],
    presenceOf: async (narrativeIds) => {
      const own = (id: string) => docs.get(id)?.presence() ?? []
      if (!redis) return new Map(narrativeIds.map((id) => [id, own(id)]))
      const hashes = await redis.hashReadMany(narrativeIds.map(PRESENCE_KEY))
      return new Map(narrativeIds.map((id, i) => [id, mergePresence(hashes[i] ?? null, own(id), presenceField)]))
    },
    flush: async (narrativeId) => {
      const doc = docs.get(narrativeId)
      if (!doc || doc.closing) return
      await doc.ready.catch(() => {})
      await doc.flush()
    },
    applyServerUpdate: async (narrativeId, update, authorId) => {
      const doc = docs.get(narrativeId)
      if (!doc || doc.closing) return false
      try {
        await doc.ready
      } catch {
        return false
      }
      return doc.applyServerUpdate(update, authorId)
    },
    shutdown: async () => {
      if (stopping) return
      stopping = true
      server.off('upgrade', upgradeListener)
      unsubscribe()
      stopCatchUp?.()
      if (presenceRefresh) clearInterval(presenceRefresh)
      if (presenceTimer) clearTimeout(presenceTimer)
      if (redis) for (const id of docs.keys()) redis.hashDelete(PRESENCE_KEY(id), presenceField)
      if (liveDocuments() === collab) attachLiveDocuments(null)
      // Stop taking updates first: what is not committed stays in the clients, which re-send it.
      for (const c of connections) c.muted = true
      const deadline = Date.now() + limits.shutdownFlushMs
      await Promise.race([Promise.all([...leaving.values()]), sleep(limits.shutdownFlushMs)])
      await Promise.all(
        [...docs.values()].map(async (doc) => {
          doc.closing = true
          doc.cancelUnload()
          const ok = await doc.persist(deadline).catch(() => false)
          if (!ok) log.warn(`collab: narrative ${doc.id} shut down with uncommitted updates (clients still hold them)`)
        }),
      )
      for (const c of [...connections]) c.close(CloseCode.GoingAway, 'Server shutting down')
      for (const doc of docs.values()) doc.destroy()
      docs.clear()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
  attachLiveDocuments(collab)
  return collab
}
