import http from 'node:http'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import type { Sql } from '#db/client.ts'
import { insertNarrative, type Template } from '#db/queries/narratives.ts'
import { upsertMembership } from '#db/queries/workspaces.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { createSession, createUser, createWorkspace } from '#app/services/accounts.server.ts'
import { commitSessionCookie } from '#app/utils/auth.server.ts'
import { documentHooks } from '#app/services/narrative-changes.server.ts'
import type { Role } from '#app/domain/policies.ts'
import { MESSAGE_SAVED } from '#app/document/protocol.ts'
import { CloseCode } from '#app/document/close-codes.ts'
import { attachCollab, type CollabServer } from '#server/collab/upgrade.ts'
import { foldNarrativeLog } from '#server/collab/fold.ts'
import type { Limits } from '#server/collab/limits.ts'
import type { RedisLink } from '#server/events/redis.ts'

export interface TestServer {
  /** The provider's serverUrl: ws://127.0.0.1:PORT/collab */
  url: string
  port: number
  origin: string
  collab: CollabServer
  close: () => Promise<void>
}

/** The real collaboration server on an HTTP server listening on `port` (0: any free port). */
export async function startCollabServer(
  sql: Sql,
  opts: { limits?: Partial<Limits>; port?: number; redis?: RedisLink | null } = {},
): Promise<TestServer> {
  const server = http.createServer((_req, res) => res.writeHead(404).end())
  const collab = attachCollab(server, { sql, limits: opts.limits, redis: opts.redis ?? null, hooks: documentHooks(sql) })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `ws://127.0.0.1:${port}/collab`,
    port,
    origin: `http://127.0.0.1:${port}`,
    collab,
    close: async () => {
      await collab.shutdown()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface Person {
  userId: string
  name: string
  /** The Cookie header of a live session. */
  cookie: string
}

export interface Fixture {
  workspaceId: string
  owner: Person
  editor: Person
  commenter: Person
  reader: Person
  /** Signed in, but a member of another workspace only. */
  outsider: Person
  newNarrative: (template?: Template, title?: string) => Promise<string>
}

async function sessionCookie(userId: string, workspaceId: string, sql: Sql): Promise<string> {
  const { token } = await createSession(sql, { userId, workspaceId })
  const setCookie = await commitSessionCookie(new Request('http://localhost/'), token)
  return setCookie.split(';')[0]!
}

/** A fresh workspace with one person per role, an outsider, and a narrative factory. */
export async function createCollabFixture(sql: Sql): Promise<Fixture> {
  const tag = randomBytes(4).toString('hex')
  const person = async (label: string) => {
    const user = await createUser(sql, {
      name: `${label} ${tag}`,
      email: `${label}-${tag}@example.test`,
      password: 'correct horse battery',
    })
    return { userId: user.id, name: `${label} ${tag}` }
  }
  const owner = await person('owner')
  const workspace = await createWorkspace(sql, { name: `ws ${tag}`, userId: owner.userId })
  const members: Record<string, Person> = {}
  for (const role of ['editor', 'commenter', 'reader'] as Role[]) {
    const p = await person(role)
    await upsertMembership(sql, { workspaceId: workspace.id, userId: p.userId, role, function: 'other' })
    members[role] = { ...p, cookie: await sessionCookie(p.userId, workspace.id, sql) }
  }
  const out = await person('outsider')
  const otherWorkspace = await createWorkspace(sql, { name: `other ${tag}`, userId: out.userId })
  return {
    workspaceId: workspace.id,
    owner: { ...owner, cookie: await sessionCookie(owner.userId, workspace.id, sql) },
    editor: members.editor!,
    commenter: members.commenter!,
    reader: members.reader!,
    outsider: { ...out, cookie: await sessionCookie(out.userId, otherWorkspace.id, sql) },
    newNarrative: async (template = 'blank', title = 'A narrative') =>
      (await insertNarrative(sql, { workspaceId: workspace.id, title, template, ownerId: owner.userId }))!.id,
  }
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** MESSAGE_SAVED counts received, in order. */
  saved: number[]
  /** Document-changing messages (sync step 2 + update) sent, over all sockets of this client… */
  sentTotal: () => number
  /** …and on the current socket (the count MESSAGE_SAVED refers to). */
  sentOnSocket: () => number
  /** Close events from the server. */
  closes: { code: number; reason: string }[]
  /** Texts inserted with `type`, with the socket and message index that carried them. */
  typed: { text: string; socket: number; index: number }[]
  /** Inserts `text` at the end of the probe text (one update message). */
  type: (text: string) => void
  /** The probe text (a Y.Text next to Lexical's root; the server does not care what the doc holds). */
  text: () => string
  /** The highest MESSAGE_SAVED count received on the current socket… */
  ackedOnSocket: () => number
  /** …and on socket number `n` (1 = the first). */
  ackedOn: (socket: number) => number
  /** The number of the current socket (1 = the first). */
  socketNo: () => number
  destroy: () => void
}

/** A real y-websocket provider (ws polyfill, no BroadcastChannel) authenticated with `headers`. */
export function connectClient(
  serverUrl: string,
  narrativeId: string,
  headers: { cookie?: string; origin?: string; authorization?: string } = {},
  opts: { doc?: Y.Doc; jitterOnRetryLater?: boolean } = {},
): TestClient {
  const doc = opts.doc ?? new Y.Doc()
  const saved: number[] = []
  const closes: { code: number; reason: string }[] = []
  const typed: { text: string; socket: number; index: number }[] = []
  let socketNo = 0
  let sentOnSocket = 0
  let sentTotal = 0
  let ackedOnSocket = 0
  const ackedBySocket = new Map<number, number>()
  const extra: Record<string, string> = {}
  if (headers.cookie) extra.Cookie = headers.cookie
  if (headers.origin) extra.Origin = headers.origin
  if (headers.authorization) extra.Authorization = headers.authorization

  // Injects the headers a browser would send, and counts what the provider sends per socket.
  class AuthenticatedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: extra })
      socketNo++
      sentOnSocket = 0
      ackedOnSocket = 0
      this.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }))
    }
    override send(data: unknown, ...rest: unknown[]) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer)
      const decoder = decoding.createDecoder(bytes)
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) !== 0) {
        sentOnSocket++
        sentTotal++
      }
      ;(super.send as (...a: unknown[]) => void)(data, ...rest)
    }
  }

  const provider = new WebsocketProvider(serverUrl, narrativeId, doc, {
    // The class matches the browser WebSocket at runtime; only its constructor type differs.
    WebSocketPolyfill: AuthenticatedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  })
  let retryTimer: NodeJS.Timeout | null = null
  if (opts.jitterOnRetryLater) {
    // As the app's provider does (app/editor/collab/provider.ts): on 4504 come back after a random
    // pause instead of in lockstep with every other client on the provider's fixed backoff.
    provider.on('connection-close', (event) => {
      if (event?.code !== CloseCode.RetryLater) return
      provider.disconnect()
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = setTimeout(
        () => {
          retryTimer = null
          provider.connect()
        },
        500 + Math.random() * 2500,
      )
    })
  }
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    const count = decoding.readVarUint(decoder)
    saved.push(count)
    ackedOnSocket = Math.max(ackedOnSocket, count)
    ackedBySocket.set(socketNo, ackedOnSocket)
  }
  const probe = doc.getText('probe')
  return {
    doc,
    provider,
    saved,
    closes,
    typed,
    sentTotal: () => sentTotal,
    sentOnSocket: () => sentOnSocket,
    ackedOnSocket: () => ackedOnSocket,
    ackedOn: (n) => ackedBySocket.get(n) ?? 0,
    socketNo: () => socketNo,
    type: (text) => {
      probe.insert(probe.length, text)
      // The provider sent it synchronously if connected: it is message number sentOnSocket.
      typed.push({ text, socket: socketNo, index: provider.wsconnected ? sentOnSocket : -1 })
    },
    text: () => probe.toString(),
    destroy: () => {
      if (retryTimer) clearTimeout(retryTimer)
      provider.destroy()
      doc.destroy()
    },
  }
}

/** The document as stored in the database right now (state row + log). */
export async function loadStoredDoc(sql: Sql, narrativeId: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  Y.applyUpdateV2(doc, foldNarrativeLog(await getNarrativeLog(sql, narrativeId)))
  return doc
}

export interface ChildServer {
  port: number
  url: string
  child: ChildProcess
  /** SIGKILL, and wait until the process is gone. */
  kill9: () => Promise<void>
  stop: () => Promise<void>
}

/** Starts test/collab-server-child.ts in its own process (so it can be killed with -9). */
export async function spawnCollabChild(databaseUrl: string, port = 0, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/collab-server-child.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const actualPort = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`collab child did not start: ${out}`)), 20_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (\d+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    child.once('exit', (code) => reject(new Error(`collab child exited with ${code}: ${out}`)))
  })
  return {
    port: actualPort,
    url: `ws://127.0.0.1:${actualPort}/collab`,
    child,
    kill9: async () => {
      child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
