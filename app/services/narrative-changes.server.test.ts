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

/**
 * A narrative whose stored text gained `text` after its template, handed to onNarrativeChanged as
 * the collaboration server would (with a checkpoint due or not); counts the headless editors it used.
 */
async function changeOnce(text: string, opts: { checkpoint: boolean }) {
  const ws = await buildWorkspace()
  const narrative = await buildNarrative(ws.owner)
  const seeded = await currentSnapshot(db.sql, narrative.id)
  const data = buildAppendParagraphUpdate(seeded.update, text)
  await appendNarrativeUpdateGroups(db.sql, [{ narrativeId: narrative.id, updates: [{ data, authorId: ws.owner.id }] }])
  const snapshot = await currentSnapshot(db.sql, narrative.id)
  const before = headlessEditorCount()
  await onNarrativeChanged(db.sql, {
    narrativeId: narrative.id,
    workspaceId: ws.workspace.id,
    update: snapshot.update,
    edited: true,
    checkpoint: opts.checkpoint ? { stateV2: snapshot.stateV2, throughSeq: snapshot.throughSeq, authorId: ws.owner.id } : null,
  })
  const passes = headlessEditorCount() - before
  const [row] = await db.sql<{ text: string }[]>`select text from narratives where id = ${narrative.id}`
  const versions = await listVersions(db.sql, { narrativeId: narrative.id, workspaceId: ws.workspace.id })
  return { ws, narrative, passes, text: row!.text, versions }
}

describe('onNarrativeChanged (the collaboration server hook)', () => {
  it('derives the columns and keeps a checkpoint from one headless pass', async () => {
    const { ws, narrative, passes, text, versions } = await changeOnce('Margins recover in the second half', { checkpoint: true })
    expect(passes).toBe(1)
    expect(text).toContain('Margins recover in the second half')
    expect(versions[0]!.kind).toBe('checkpoint')
    const version = await getVersion(db.sql, { id: versions[0]!.id, narrativeId: narrative.id, workspaceId: ws.workspace.id })
    expect(version!.html).toContain('Margins recover in the second half')
    expect(version!.text).toBe(text)
  })

  it('without a checkpoint due: one pass, derived columns, no version', async () => {
    const { passes, text, versions } = await changeOnce('Churn halves by Q3', { checkpoint: false })
    expect(passes).toBe(1)
    expect(text).toContain('Churn halves by Q3')
    expect(versions).toEqual([])
  })
})
