import type { Page } from '@playwright/test'
import { demoAuth, demoMember, expect, test, waitForEditor } from './fixtures.ts'

/**
 * Versions in the demo workspace, as real users: a named version, a restore that connected editors
 * see live, the word diff between two versions, a blocking thread that holds approval back, the
 * reading view's and the metrics review's downloads, and the checkpoint kept when the last editor
 * leaves.
 */

const SHOTS = 'test/.artifacts'

/** A blank narrative of the CMO's (API), returning its id. */
async function blankNarrative(page: Page, title: string) {
  const headers = await demoAuth(page, 'cmo@acme.test')
  const res = await page.request.post('/api/v1/narratives', { data: { title, template: 'blank' }, headers })
  expect(res.status()).toBe(201)
  return { id: ((await res.json()) as { id: string }).id, headers }
}

async function openNarrative(page: Page, id: string) {
  await page.goto(`/narratives/${id}`)
  // Generous: the editor bundle and the first sync are slow on a loaded shared machine.
  await waitForEditor(page)
  return page.getByLabel('Narrative text')
}

async function openVersionsTab(page: Page) {
  await page.getByRole('tab', { name: 'Versions' }).click()
  await expect(page.getByRole('region', { name: 'Review and versions' })).toBeVisible()
  return page.getByRole('list', { name: 'Versions' })
}

/** Selects `phrase` inside the editor's text through the DOM, as a mouse drag would. */
async function selectPhrase(page: Page, phrase: string) {
  await page.evaluate((text) => {
    const root = document.querySelector('.editor-content')!
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(text)
      if (at === -1) continue
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + text.length)
      const selection = window.getSelection()!
      selection.removeAllRanges()
      selection.addRange(range)
      return
    }
    throw new Error(`"${text}" not found`)
  }, phrase)
}

const SIX = 'Pipeline grows by six percent a quarter.'
const NINE = 'Pipeline grows by nine percent a quarter.'
const TWELVE = 'Pipeline grows by twelve percent a quarter.'

test('the CMO names a version, changes a sentence, compares and restores it; MOps sees the restore live', async ({ browser }) => {
  test.setTimeout(120_000)
  const cmo = await demoMember(browser, 'cmo@acme.test')
  const mops = await demoMember(browser, 'mops@acme.test')
  const title = `Versions E2E ${Date.now()}`
  const { id, headers } = await blankNarrative(cmo.page, title)

  // 1. A named version from the Versions tab.
  const text = await openNarrative(cmo.page, id)
  await text.click()
  await cmo.page.keyboard.type(SIX)
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  const list = await openVersionsTab(cmo.page)
  await cmo.page.getByLabel('Version name').fill('Board draft')
  await cmo.page.getByRole('button', { name: 'Save version' }).click()
  const named = list.getByRole('listitem').filter({ hasText: 'Board draft' })
  await expect(named).toHaveCount(1)
  await expect(named).toContainText('Named')
  await cmo.page.screenshot({ path: `${SHOTS}/versions-tab.png` })
  await named.getByRole('link', { name: 'View' }).click()
  await expect(cmo.page.getByRole('heading', { level: 1 })).toHaveText(/Board draft/)
  await expect(cmo.page.locator('.reading-doc')).toHaveText(SIX)
  await cmo.page.screenshot({ path: `${SHOTS}/versions-view.png`, fullPage: true })

  // 2. The CMO changes the sentence while MOps has the narrative open.
  const mopsText = await openNarrative(mops.page, id)
  await expect(mopsText).toHaveText(SIX)
  await openNarrative(cmo.page, id)
  await selectPhrase(cmo.page, 'six')
  await cmo.page.keyboard.type('nine')
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  await expect(mopsText).toHaveText(NINE)
  await openVersionsTab(cmo.page)
  await cmo.page.getByLabel('Version name').fill('Nine percent')
  await cmo.page.getByRole('button', { name: 'Save version' }).click()
  await expect(list.getByRole('listitem').filter({ hasText: 'Nine percent' })).toHaveCount(1)

  // 3. Compare: the diff marks the removed and the added word.
  await list
    .getByRole('listitem')
    .filter({ hasText: 'Nine percent' })
    .getByRole('link', { name: /^Compare with v\d+/ })
    .click()
  await expect(cmo.page.getByRole('heading', { level: 1 })).toContainText('Board draft')
  await expect(cmo.page.getByRole('heading', { level: 1 })).toContainText('Nine percent')
  const diff = cmo.page.getByLabel('Differences')
  await expect(diff.locator('del')).toHaveText(['six'])
  await expect(diff.locator('ins')).toHaveText(['nine'])
  await cmo.page.screenshot({ path: `${SHOTS}/versions-diff.png`, fullPage: true })

  // The CMO changes the sentence again without saving a version, then restores the newest one
  // ("Nine percent") as a forward edit: MOps' open editor gets the old sentence back live.
  await openNarrative(cmo.page, id)
  await selectPhrase(cmo.page, 'nine')
  await cmo.page.keyboard.type('twelve')
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  await expect(mopsText).toHaveText(TWELVE)
  await openVersionsTab(cmo.page)
  const before = (await (await cmo.page.request.get(`/api/v1/narratives/${id}/versions`, { headers })).json()) as {
    data: { id: string; kind: string; number: number }[]
  }
  cmo.page.once('dialog', (d) => void d.accept())
  await list.getByRole('listitem').filter({ hasText: 'Nine percent' }).getByRole('button', { name: 'Restore' }).click()
  const restored = list.getByRole('listitem').filter({ hasText: 'Restore' }).first()
  await expect(restored).toContainText(/Restored v\d+/)
  await expect(mopsText).toHaveText(NINE)
  await expect(cmo.page.getByLabel('Narrative text')).toHaveText(NINE)
  await expect(cmo.page.getByRole('list', { name: 'Audit trail' })).toContainText('restored a version')
  await cmo.page.screenshot({ path: `${SHOTS}/versions-restored.png` })
  // Nothing of the history is removed: every earlier version is still there, plus the restore.
  const after = (await (await cmo.page.request.get(`/api/v1/narratives/${id}/versions`, { headers })).json()) as {
    data: { id: string; kind: string; number: number }[]
  }
  expect(after.data.map((v) => v.id)).toEqual(expect.arrayContaining(before.data.map((v) => v.id)))
  expect(after.data.filter((v) => v.kind === 'restore')).toHaveLength(1)
  expect(after.data.length).toBe(before.data.length + 1)

  // Compare any two versions with the picker on a version page: the first against the restore.
  await restored.getByRole('link', { name: 'View' }).click()
  await expect(cmo.page.locator('.reading-doc')).toHaveText(NINE)
  const compare = cmo.page.getByRole('form', { name: 'Compare two versions' })
  await compare.getByLabel('From').selectOption({ label: 'v1 · Board draft' })
  await compare.getByLabel('To').selectOption({ label: 'v3 · Restored v2' })
  await compare.getByRole('button', { name: 'Compare' }).click()
  await expect(cmo.page.getByRole('heading', { level: 1 })).toHaveText('v1 · Board draft → v3 · Restored v2')
  await expect(cmo.page.getByLabel('Differences').locator('del')).toHaveText(['six'])
  await expect(cmo.page.getByLabel('Differences').locator('ins')).toHaveText(['nine'])
  await cmo.page.screenshot({ path: `${SHOTS}/versions-compare-picker.png`, fullPage: true })

  await Promise.all([cmo.context.close(), mops.context.close()])
})

test('a blocking thread holds approval back until it is resolved', async ({ browser }) => {
  test.setTimeout(120_000)
  const cmo = await demoMember(browser, 'cmo@acme.test')
  const mops = await demoMember(browser, 'mops@acme.test')
  const sales = await demoMember(browser, 'sales@acme.test')
  const { id, headers } = await blankNarrative(cmo.page, `Blocking E2E ${Date.now()}`)
  expect(
    (
      await cmo.page.request.post(`/api/v1/narratives/${id}/commitments`, {
        data: { metricKey: 'pipeline', baseline: 4000000, target: 4600000, granularity: 'quarter', dueOn: '2027-03-31' },
        headers,
      })
    ).status(),
  ).toBe(201)
  const text = await openNarrative(cmo.page, id)
  await text.click()
  await cmo.page.keyboard.type(SIX)
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  await openVersionsTab(cmo.page)
  await cmo.page.getByRole('button', { name: 'Send to review' }).click()
  await expect(cmo.page.getByRole('list', { name: 'Approvers' })).toContainText('Pending')

  // MOps (an approver) can approve: nothing blocks yet.
  await openNarrative(mops.page, id)
  await openVersionsTab(mops.page)
  const approve = mops.page.getByRole('button', { name: /^Approve v\d+/ })
  await expect(approve).toBeEnabled()

  // Sales starts a blocking thread on the sentence.
  const salesText = await openNarrative(sales.page, id)
  await expect(salesText).toHaveText(SIX)
  await selectPhrase(sales.page, SIX)
  await sales.page.getByRole('button', { name: 'Comment', exact: true }).click()
  await sales.page.getByRole('textbox', { name: 'Comment' }).pressSequentially('Six percent needs two more SDRs.')
  await sales.page.getByLabel('Blocks approval until resolved').check()
  await sales.page.getByRole('button', { name: 'Comment', exact: true }).click()
  const thread = sales.page.locator('.thread[data-thread-id]')
  await expect(thread).toContainText('Blocks approval')

  // MOps' checklist shows the blocking item (live) and Approve is disabled with that reason.
  const blockingItem = mops.page
    .getByRole('list', { name: 'Approval checklist' })
    .getByRole('listitem')
    .filter({ hasText: /blocking/i })
  await expect(blockingItem).toContainText(': missing')
  await expect(approve).toBeDisabled()
  await expect(mops.page.locator('#gate-reason')).toHaveText(`Approve is disabled: 1 blocking comment thread unresolved: “${SIX}”`)
  await mops.page.screenshot({ path: `${SHOTS}/versions-blocking.png` })

  // Sales resolves the thread: the item clears and Approve is enabled again.
  await thread.getByRole('button', { name: 'Resolve' }).click()
  await expect(blockingItem).toContainText(': done')
  await expect(approve).toBeEnabled()
  await expect(mops.page.locator('#gate-reason')).toHaveCount(0)

  await Promise.all([cmo.context.close(), mops.context.close(), sales.context.close()])
})

test('the reading view and the metrics review download Markdown and PDF; screenshots of the library', async ({ browser }) => {
  test.setTimeout(120_000)
  const mops = await demoMember(browser, 'mops@acme.test')
  const ceo = await demoMember(browser, 'ceo@acme.test')

  await mops.page.goto('/approved')
  await mops.page.screenshot({ path: `${SHOTS}/versions-approved-owner.png`, fullPage: true })
  await ceo.page.goto('/approved')
  await ceo.page.screenshot({ path: `${SHOTS}/versions-approved-ceo.png`, fullPage: true })
  const first = ceo.page.locator('main').getByRole('link').filter({ hasNotText: /^$/ }).first()
  await first.click()
  await expect(ceo.page).toHaveURL(/\/read\/[0-9a-f-]{36}$/)
  const title = (await ceo.page.getByRole('heading', { level: 1 }).textContent())!.trim()
  expect(title.length).toBeGreaterThan(0)
  await ceo.page.screenshot({ path: `${SHOTS}/versions-read.png`, fullPage: true })
  await ceo.page.emulateMedia({ media: 'print' })
  await ceo.page.screenshot({ path: `${SHOTS}/versions-read-print.png`, fullPage: true })
  await ceo.page.emulateMedia({ media: 'screen' })

  const md = await ceo.page.request.get((await ceo.page.getByRole('link', { name: 'Markdown' }).getAttribute('href'))!)
  expect(md.status()).toBe(200)
  expect(md.headers()['content-type']).toMatch(/^text\/markdown/)
  const mdText = await md.text()
  expect(mdText).toContain(title)

  const pdf = await ceo.page.request.get((await ceo.page.getByRole('link', { name: 'Download PDF' }).getAttribute('href'))!)
  expect(pdf.status()).toBe(200)
  expect(pdf.headers()['content-type']).toBe('application/pdf')
  const pdfBody = await pdf.body()
  expect(pdfBody.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(pdfBody.length).toBeGreaterThan(1000)
  // Both downloads are named after the narrative (the name keeps word characters, dots and dashes).
  const fileTitle = title.replace(/[^\w.-]+/g, '-')
  expect(md.headers()['content-disposition']).toMatch(new RegExp(`attachment; filename="${fileTitle}-v\\d+\\.md"`))
  expect(pdf.headers()['content-disposition']).toMatch(new RegExp(`attachment; filename="${fileTitle}-v\\d+\\.pdf"`))

  await mops.page.goto('/reviews')
  const period = (await mops.page.getByRole('heading', { level: 1 }).textContent())!.trim()
  const reviewPdf = await mops.page.request.get((await mops.page.getByRole('link', { name: 'Download PDF' }).getAttribute('href'))!)
  expect(reviewPdf.status()).toBe(200)
  expect(reviewPdf.headers()['content-type']).toBe('application/pdf')
  const reviewBody = await reviewPdf.body()
  expect(reviewBody.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(reviewBody.length).toBeGreaterThan(1000)
  expect(reviewPdf.headers()['content-disposition']).toContain(`filename="${period.replace(/[^\w.-]+/g, '-')}-review.pdf"`)

  await Promise.all([mops.context.close(), ceo.context.close()])
})

test('a checkpoint is kept when the last editor leaves, and shows in the Versions list after reopening', async ({ browser }) => {
  test.setTimeout(120_000)
  const cmo = await demoMember(browser, 'cmo@acme.test')
  const { id, headers } = await blankNarrative(cmo.page, `Checkpoint E2E ${Date.now()}`)
  const text = await openNarrative(cmo.page, id)
  await text.click()
  await cmo.page.keyboard.type(SIX)
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  // The last (only) editor leaves; the collaboration server unloads the idle document (30 s) and keeps a checkpoint.
  await cmo.page.goto('/home')
  await expect
    .poll(
      async () => {
        const res = await cmo.page.request.get(`/api/v1/narratives/${id}/versions`, { headers })
        return ((await res.json()) as { data: { kind: string }[] }).data.map((v) => v.kind)
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toContain('checkpoint')
  await openNarrative(cmo.page, id)
  const list = await openVersionsTab(cmo.page)
  const checkpoint = list.getByRole('listitem').filter({ hasText: 'Checkpoint' })
  await expect(checkpoint).toHaveCount(1)
  await checkpoint.getByRole('link', { name: 'View' }).click()
  await expect(cmo.page.locator('.reading-doc')).toHaveText(SIX)
  await cmo.context.close()
})
