import { afterAll, describe, expect, it } from 'vitest'
import { refused } from '#test/refused.ts'
import * as Y from 'yjs'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace } from '#test/factories.ts'
import { startApp, type RunningApp } from '#test/routes.ts'
import { lexicalBlock } from '#test/bad-input.ts'
import { SANITIZER_VERSION } from '#app/document/sanitize.ts'
import { appendNarrativeUpdateGroups } from '#db/queries/narrative-docs.ts'
import { insertVersion } from '#db/queries/versions.ts'
import { renderDocument } from '#app/document/content.ts'
import { loadStoredSnapshot } from '#app/document/snapshot.ts'
import { currentSnapshot, getVersionFor, repairNarrative, resanitizeStoredVersions, saveNamedVersion } from './versions.server.ts'

const db = await useTestDatabase()

/** Writes `change` of the narrative's current document straight into its update log, as a crafted client could before the schema check. */
async function writeCrafted(narrativeId: string, change: (root: Y.XmlText) => void) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, (await currentSnapshot(db.sql, narrativeId)).update)
  const before = Y.encodeStateVector(doc)
  doc.transact(() => change(doc.get('root', Y.XmlText)))
  await appendNarrativeUpdateGroups(db.sql, [{ narrativeId, updates: [{ data: Y.encodeStateAsUpdate(doc, before), authorId: null }] }])
}

describe('document integrity (issue 13)', () => {
  it('renders crafted tags and inline CSS into sanitized HTML only', () => {
    const doc = new Y.Doc()
    const root = doc.get('root', Y.XmlText)
    doc.transact(() => {
      root.insertEmbed(0, lexicalBlock('heading', { __tag: 'h2' }, 'Plan'))
      root.insertEmbed(1, lexicalBlock('paragraph', {}, 'Body'))
    })
    const heading = (root.toDelta() as { insert: Y.XmlText }[])[0]!.insert
    const text = ((root.toDelta() as { insert: Y.XmlText }[])[1]!.insert.toDelta() as { insert: Y.Map<unknown> }[])[0]!.insert
    doc.transact(() => {
      heading.setAttribute('__tag', 'img src=x onerror=alert(1)')
      text.set('__style', 'position:fixed;inset:0;z-index:99999')
    })
    const { html } = renderDocument(Y.encodeStateAsUpdate(doc))
    expect(html).toContain('Body')
    expect(html).not.toMatch(/onerror|<img|style=|position:fixed/)
  })

  it('a narrative broken by a crafted block answers 409 until an owner repairs it; the repair drops only the bad blocks', async () => {
    const ws = await buildWorkspace()
    const n = await buildNarrative(ws.owner, { template: 'blank' })
    await writeCrafted(n.id, (root) => {
      root.insertEmbed(root.length, lexicalBlock('paragraph', {}, 'Kept paragraph'))
      root.insertEmbed(root.length, lexicalBlock('script', {}, 'unknown type'))
      root.insertEmbed(root.length, lexicalBlock('heading', { __tag: 'style' }, 'p{}'))
      root.insertEmbed(root.length, lexicalBlock('paragraph', { __style: 'position:fixed;inset:0' }, 'overlay'))
    })
    const e = await refused(saveNamedVersion(ws.editor.actor, n.id, 'Broken'))
    expect(e.status).toBe(409)
    expect(e.message).toMatch(/repair/)

    expect((await refused(repairNarrative(ws.editor.actor, n.id))).status).toBe(403)
    expect(await repairNarrative(ws.owner.actor, n.id)).toEqual({ dropped: 3 })
    expect(await repairNarrative(ws.owner.actor, n.id)).toEqual({ dropped: 0 })

    const v = await saveNamedVersion(ws.editor.actor, n.id, 'Repaired')
    const saved = await getVersionFor(ws.editor.actor, n.id, v.id)
    expect(saved.text).toContain('Kept paragraph')
    expect(saved.html).not.toMatch(/unknown type|overlay|<style|p\{\}/)
    // The repair is a forward edit in the log: the history before it is still there.
    expect((await loadStoredSnapshot(db.sql, n.id)).throughSeq).toBeGreaterThan(1)
  })

  it('re-sanitizes versions stored before the sanitizer; versions stay immutable otherwise', async () => {
    const ws = await buildWorkspace()
    const n = await buildNarrative(ws.owner)
    const snapshot = await currentSnapshot(db.sql, n.id)
    const evil = '<h2>Plan</h2><style>p{}</style><meta http-equiv="refresh" content="0;url=//evil"><p style="position:fixed">x</p>'
    const legacy = await insertVersion(db.sql, {
      narrativeId: n.id,
      kind: 'named',
      state: snapshot.stateV2,
      throughSeq: snapshot.throughSeq,
      html: evil,
      htmlSanitizer: 0,
      text: 'x',
      wordCount: 1,
      createdBy: null,
    })
    expect(await resanitizeStoredVersions(db.sql)).toBeGreaterThanOrEqual(1)
    const [row] = await db.sql<{ html: string; sanitizer: number }[]>`
      select html, html_sanitizer as sanitizer from narrative_versions where id = ${legacy!.id}`
    expect(row).toEqual({ html: '<h2>Plan</h2><p>x</p>', sanitizer: SANITIZER_VERSION })
    expect(await resanitizeStoredVersions(db.sql)).toBe(0)

    // Anything else stays refused by the trigger: other columns, or html without a newer sanitizer.
    await expect(db.sql`update narrative_versions set text = 'changed' where id = ${legacy!.id}`).rejects.toThrow(/immutable/)
    await expect(db.sql`update narrative_versions set html = '<p>forged</p>' where id = ${legacy!.id}`).rejects.toThrow(/immutable/)
    await expect(
      db.sql`update narrative_versions set html = '<p>forged</p>', html_sanitizer = html_sanitizer + 1, text = 'x2' where id = ${legacy!.id}`,
    ).rejects.toThrow(/immutable/)
  })
})

describe('the repair on the Versions page', () => {
  let app: RunningApp | null = null
  afterAll(async () => {
    await app?.close()
  })

  it('is offered to owners only while the text holds refused content, and repairs it', { timeout: 120_000 }, async () => {
    app = await startApp({ sql: db.sql })
    const ws = await buildWorkspace()
    const n = await buildNarrative(ws.owner, { template: 'blank' })
    const page = async (cookie: string) => (await app!.fetch(`/narratives/${n.id}/versions`, { cookie })).text()
    expect(await page(ws.owner.cookie)).not.toContain('Repair narrative')

    await writeCrafted(n.id, (root) => root.insertEmbed(root.length, lexicalBlock('script', {}, 'unknown type')))
    const broken = await page(ws.owner.cookie)
    expect(broken).toContain('Repair narrative')
    expect(broken).toContain('holds content the editor cannot show')
    expect(await page(ws.editor.cookie)).not.toContain('Repair narrative')

    const res = await app.fetch(`/narratives/${n.id}/versions?_data=routes/_app.narratives.$id_.versions`, {
      cookie: ws.owner.cookie,
      form: { intent: 'repair' },
    })
    expect(await res.json()).toEqual({ ok: true, dropped: 1 })
    expect(await page(ws.owner.cookie)).not.toContain('Repair narrative')
  })
})
