/** What a document needs from a connection: an identity, a way to send, and a way to close. */
export interface Peer {
  readonly user: { userId: string; name: string }
  readonly canWrite: boolean
  /**
   * False for a peer that may read only approved text (a reader on an approved narrative): it gets
   * the text as it was when it joined, never the live edits that make a new draft.
   */
  readonly followsDrafts: boolean
  /** Document-changing messages received (sync step 2 + update), in order. */
  received: number
  /** The count last reported to the client in MESSAGE_SAVED. */
  acked: number
  /** Rows of this peer waiting in the commit queue. */
  queuedRows: number
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}
