/**
 * Accord's one extension to the y-websocket protocol (y-protocols sync = 0, awareness = 1,
 * auth = 2, query awareness = 3).
 *
 * MESSAGE_SAVED (100), server → client: varUint `count` — of the document-changing messages
 * (sync step 2 and update) this connection has sent since it opened, the first `count` are
 * durably committed in PostgreSQL (no-ops count as committed). Monotonic per connection.
 * The client counts what it sends on each socket and shows "All changes saved" only when
 * every local change has been sent and acknowledged.
 */
export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_SAVED = 100
