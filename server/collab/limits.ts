/** What one connection or document may use before the server closes that connection. */
export interface Limits {
  /** Largest websocket message (ws `maxPayload`); larger ones close with 1009. */
  maxMessageBytes: number
  /** Approximate encoded size a document may grow to; an update beyond it closes with 4413. */
  maxDocumentBytes: number
  /** Update data waiting for missing dependencies, per document; beyond it the sender is closed (4429). */
  maxPendingBytes: number
  /** Updates applied while such data stays pending; beyond it the pending data is dropped and its sender closed. */
  maxPendingUpdates: number
  /** Largest awareness message (cursor, name): awareness is relayed to everyone, so keep it small. */
  maxAwarenessBytes: number
  /** Token bucket per connection: sustained messages per second… */
  messagesPerSecond: number
  /** …and the burst allowed on top; beyond it the connection closes with 4429. */
  messageBurst: number
  /**
   * The time since a connection's previous message is credited in full up to this long (not capped
   * at the burst): messages queued during an event-loop stall arrived over the stall (see RateGuard).
   */
  rateCreditMs: number
  /** Connections on one document; the next one is refused with 4503. */
  maxConnectionsPerDocument: number
  /** Documents loaded from PostgreSQL at the same time; more wait in a queue… */
  maxConcurrentLoads: number
  /** …of at most this many; beyond it a new open is refused with 4504 (retry later, with jitter). */
  maxQueuedLoads: number
  /** Bytes queued towards one slow client before it is disconnected (it resyncs on reconnect). */
  maxBufferedBytes: number
  /** A document is unloaded this long after its last client left. */
  idleUnloadMs: number
  /** Log rows after which the document is compacted into its state row. */
  compactAfterUpdates: number
  /** Derived text/outline are rebuilt this long after the last change… */
  derivedDebounceMs: number
  /** …and at least this often while people keep typing. */
  derivedMaxWaitMs: number
  /** An automatic checkpoint (a version) is kept at most this often while people edit, and when the last one leaves. */
  checkpointEveryMs: number
  /** How long shutdown keeps retrying to commit pending updates when the database is unreachable. */
  shutdownFlushMs: number
}

/** Defaults sized for people typing; tests and benchmarks pass their own through attachCollab. */
export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 1024 * 1024,
  // Loading a document applies its whole state on the event loop, and Yjs cannot hand a Y.Doc
  // across threads: measured (bench/load-stall.ts) ~2.9 s of stall for everyone at 12 MB stored,
  // ~0.4 s at 3.6 MB. Narratives are tens of kilobytes; 4 MB bounds the stall.
  maxDocumentBytes: 4 * 1024 * 1024,
  maxPendingBytes: 1024 * 1024,
  maxPendingUpdates: 500,
  maxAwarenessBytes: 32 * 1024,
  messagesPerSecond: 100,
  messageBurst: 300,
  rateCreditMs: 60_000,
  maxConnectionsPerDocument: 200,
  maxConcurrentLoads: 8,
  maxQueuedLoads: 500,
  maxBufferedBytes: 16 * 1024 * 1024,
  idleUnloadMs: 30_000,
  compactAfterUpdates: 500,
  derivedDebounceMs: 1000,
  derivedMaxWaitMs: 5000,
  shutdownFlushMs: 10_000,
  checkpointEveryMs: 5 * 60_000,
}
