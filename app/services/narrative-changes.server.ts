import type { Sql } from '#db/client.ts'
import { updateNarrativeDerived } from '#db/queries/narratives.ts'
import { deriveContent, renderNarrative, type RenderedDocument } from '#app/document/content.ts'
import type { DocumentHooks, NarrativeChange } from '#app/document/hooks.ts'
import { checkDocumentState } from '#app/document/update-check.ts'
import { bus } from '#app/events/bus.ts'
import { log } from '#app/utils/log.ts'
import { syncNarrativeLinks } from './narrative-links.server.ts'
import { noteNarrativeEdited } from './reviews.server.ts'
import { storeCheckpoint } from './versions.server.ts'

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * What follows a change of a narrative's text, in order: derived columns (text, excerpt, outline),
 * links and requirements from its chips, the change event, the review reset, and a checkpoint when
 * one is due. One headless pass reads the document for all of them. A failure of the links or of
 * the review state is logged and does not hold back the rest; any other failure rejects.
 */
export async function onNarrativeChanged(db: Sql, change: NarrativeChange): Promise<void> {
  const { narrativeId, workspaceId } = change
  // A state the schema refuses is kept by no version (storeVersion says why), so it is not rendered.
  const renders = change.checkpoint !== null && checkDocumentState(change.update) === null
  let rendered: RenderedDocument | undefined
  let derived
  if (renders) ({ derived, rendered } = renderNarrative(change.update))
  else if (change.edited) derived = deriveContent(change.update)
  if (change.edited && derived) {
    await updateNarrativeDerived(db, { id: narrativeId, ...derived })
    await syncNarrativeLinks(db, narrativeId, derived.refs).catch((e: unknown) =>
      log.warn(`collab: links of narrative ${narrativeId} failed: ${errorMessage(e)}`),
    )
    bus.publish({ type: 'narrative.changed', workspaceId, narrativeId })
    // An edit during review resets the approvals; an edit after approval starts a draft revision.
    await noteNarrativeEdited(db, narrativeId).catch((e: unknown) =>
      log.warn(`collab: review state of narrative ${narrativeId} failed: ${errorMessage(e)}`),
    )
  }
  if (change.checkpoint) {
    await storeCheckpoint(db, { narrativeId, workspaceId, update: change.update, ...change.checkpoint, rendered })
  }
}

/** The app's behaviour for the collaboration server of a process whose database is `db`. */
export function documentHooks(db: Sql): DocumentHooks {
  return { onNarrativeChanged: (change) => onNarrativeChanged(db, change) }
}
