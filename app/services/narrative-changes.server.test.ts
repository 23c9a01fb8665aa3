import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { appendNarrativeUpdateGroups } from '#db/queries/narrative-docs.ts'
import { getVersion, listVersions } from '#db/queries/versions.ts'
import { buildAppendParagraphUpdate } from '#app/document/content.ts'
import { headlessEditorCount } from '#app/document/lexical.ts'
import { currentSnapshot } from './versions.server.ts'
import { onNarrativeChanged } from './narrative-changes.server.ts'

const db = await useTestDatabase()

/** A narrative whose stored text gained `text` after its template, and its stored snapshot. */
async function editedNarrative(text: string) {
  const ws = await buildWorkspace()
  const narrative = await buildNarrative(ws.owner)
  const seeded = await currentSnapshot(db.sql, narrative.id)
  const data = buildAppendParagraphUpdate(seeded.update, text)
  await appendNarrativeUpdateGroups(db.sql, [{ narrativeId: narrative.id, updates: [{ data, authorId: ws.owner.id }] }])
  return { ws, narrative, snapshot: await currentSnapshot(db.sql, narrative.id) }
}

describe('onNarrativeChanged (the collaboration server hook)', () => {
  it('derives the columns and keeps a checkpoint from one headless pass', async () => {
    const { ws, narrative, snapshot } = await editedNarrative('Margins recover in the second half')
    const before = headlessEditorCount()
    await onNarrativeChanged(db.sql, {
      narrativeId: narrative.id,
      workspaceId: ws.workspace.id,
      update: snapshot.update,
      edited: true,
      checkpoint: { stateV2: snapshot.stateV2, throughSeq: snapshot.throughSeq, authorId: ws.owner.id },
    })
    expect(headlessEditorCount() - before).toBe(1)
    const [row] = await db.sql<{ text: string }[]>`select text from narratives where id = ${narrative.id}`
    expect(row!.text).toContain('Margins recover in the second half')
    const [latest] = await listVersions(db.sql, { narrativeId: narrative.id, workspaceId: ws.workspace.id })
    expect(latest!.kind).toBe('checkpoint')
    const version = await getVersion(db.sql, { id: latest!.id, narrativeId: narrative.id, workspaceId: ws.workspace.id })
    expect(version!.html).toContain('Margins recover in the second half')
    expect(version!.text).toBe(row!.text)
  })

  it('without a checkpoint due: one pass, derived columns, no version', async () => {
    const { ws, narrative, snapshot } = await editedNarrative('Churn halves by Q3')
    const before = headlessEditorCount()
    await onNarrativeChanged(db.sql, {
      narrativeId: narrative.id,
      workspaceId: ws.workspace.id,
      update: snapshot.update,
      edited: true,
      checkpoint: null,
    })
    expect(headlessEditorCount() - before).toBe(1)
    const [row] = await db.sql<{ text: string }[]>`select text from narratives where id = ${narrative.id}`
    expect(row!.text).toContain('Churn halves by Q3')
    expect(await listVersions(db.sql, { narrativeId: narrative.id, workspaceId: ws.workspace.id })).toEqual([])
  })
})
