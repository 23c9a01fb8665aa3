/**
 * The hooks port: the app's behaviour the collaboration server (server/collab) is handed at boot,
 * in the shape Hocuspocus and Outline use (transport apart from behaviour). The server calls them
 * and never imports a service; app/services/narrative-changes.server.ts implements them.
 */
export interface DocumentHooks {
  /**
   * The narrative's text changed (debounced after edits are committed), or a checkpoint is due;
   * a rejection means nothing of the checkpoint was kept (the server tries again later).
   */
  onNarrativeChanged(change: NarrativeChange): Promise<void>
}

/** What the collaboration server hands onNarrativeChanged. */
export interface NarrativeChange {
  narrativeId: string
  workspaceId: string
  /** The document now (a V1 update): derived content and the checkpoint come from this one state. */
  update: Uint8Array
  /** True when the text changed since the last call: derived columns, links, event and review reset. */
  edited: boolean
  /** Set when a version is due: the same state (V2), the last log sequence it holds, its last author. */
  checkpoint: { stateV2: Uint8Array; throughSeq: number; authorId: string | null } | null
}
