/**
 * Close codes of the collaboration socket, shared by server and client. y-websocket's provider
 * stops reconnecting on 4400–4499 and retries on everything else.
 */
export const CloseCode = {
  /** Not signed in (no or expired session, unknown token). */
  Unauthenticated: 4401,
  /** Signed in but not allowed (foreign Origin, reader on a draft). */
  Forbidden: 4403,
  /** No such narrative in your workspaces. */
  NotFound: 4404,
  /** Update rate or pending-data limit exceeded. */
  RateLimited: 4429,
  /** Document would exceed the maximum size. */
  DocumentTooLarge: 4413,
  /** Too many connections on this document. */
  TooManyConnections: 4503,
  /** Permissions changed: reconnect and be checked again. */
  PermissionsChanged: 4205,
  /** Server is busy loading documents (reconnect storm): retry later with jitter. */
  RetryLater: 4504,
  /** Standard: a message could not be decoded or applied. */
  InvalidData: 1007,
  ProtocolError: 1002,
  MessageTooBig: 1009,
  GoingAway: 1001,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]
