import type { BrowserContext, Locator, Page } from '@playwright/test'
import { createNarrative, expect, failOnConsoleErrors, joinThroughInvite, ownerContext, test, waitForEditor } from './fixtures.ts'

/**
 * The collaborative narrative editor, end to end: real server, real database, and two separate
 * browser contexts per collaboration test (two tabs of one context could sync over
 * BroadcastChannel and hide server bugs; the provider disables it anyway).
 */

const SHOTS = 'test/.artifacts'

/** The editor's text surface (Lexical's contenteditable), once the first sync has happened. */
async function openEditor(page: Page, narrativeId: string): Promise<Locator> {
  if (!page.url().endsWith(`/narratives/${narrativeId}`)) await page.goto(`/narratives/${narrativeId}`)
  await waitForEditor(page)
  return page.getByLabel('Narrative text')
}

/** Puts the caret at the very end of the document and starts a new paragraph. */
async function typeNewParagraph(page: Page, editor: Locator, text: string) {
  await editor.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Enter')
  await page.keyboard.type(text)
}

/** Fails the test on any console error, as the house style asks (unless a test expects one). */

async function closeAll(...contexts: BrowserContext[]) {
  for (const context of contexts) await context.close()
}

test('two editors in separate browsers see each other’s text and named cursors; reload keeps everything', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const editor = await joinThroughInvite(browser, owner.page, 'editor', 'Editor', 'Marketing Ops')
  const checkOwner = failOnConsoleErrors(owner.page)
  const checkEditor = failOnConsoleErrors(editor.page)
  const id = await createNarrative(owner.page, 'FY27 pipeline plan', 'Blank')

  const ownerText = await openEditor(owner.page, id)
  const editorText = await openEditor(editor.page, id)

  await typeNewParagraph(owner.page, ownerText, 'Owner writes the summary.')
  await expect(editorText).toContainText('Owner writes the summary.')

  await typeNewParagraph(editor.page, editorText, 'Marketing Ops adds the numbers.')
  await expect(ownerText).toContainText('Marketing Ops adds the numbers.')

  // Each sees the other's caret, labelled with their name, and both avatars.
  await expect(owner.page.locator('.collab-name', { hasText: editor.account.name })).toBeVisible()
  await expect(editor.page.locator('.collab-name', { hasText: owner.account.name })).toBeVisible()
  await expect(owner.page.locator('.doc-presence-person')).toHaveCount(2)

  // Durable: the server acknowledged both people's edits.
  await expect(owner.page.locator('[data-save]')).toHaveText('All changes saved')
  await expect(editor.page.locator('[data-save]')).toHaveText('All changes saved')
  await expect(owner.page.locator('[data-connection]')).toHaveText('Connected')
  await owner.page.screenshot({ path: `${SHOTS}/editor-collab-owner.png` })
  await editor.page.screenshot({ path: `${SHOTS}/editor-collab-editor.png` })

  await owner.page.reload()
  const reloaded = await openEditor(owner.page, id)
  await expect(reloaded).toContainText('Owner writes the summary.')
  await expect(reloaded).toContainText('Marketing Ops adds the numbers.')
  await expect(owner.page.locator('[data-save]')).toHaveText('All changes saved')

  checkOwner()
  checkEditor()
  await closeAll(owner.context, editor.context)
})

test('a commenter reads live but cannot change the text', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const commenter = await joinThroughInvite(browser, owner.page, 'commenter', 'Commenter', 'Sales')
  const checkCommenter = failOnConsoleErrors(commenter.page)
  const id = await createNarrative(owner.page, 'Partner marketing plan', 'Blank')

  const ownerText = await openEditor(owner.page, id)
  const readerText = await openEditor(commenter.page, id)

  await expect(commenter.page.getByRole('toolbar')).toHaveCount(0)
  await expect(readerText).toHaveAttribute('contenteditable', 'false')
  await expect(commenter.page.getByText('You can read and comment; only editors change the text.')).toBeVisible()
  await expect(commenter.page.locator('[data-save]')).toHaveCount(0)

  await typeNewParagraph(owner.page, ownerText, 'Live from the owner.')
  await expect(readerText).toContainText('Live from the owner.')
  await expect(commenter.page.locator('.collab-name', { hasText: owner.account.name })).toBeVisible()

  // Typing does nothing, locally or for anyone else.
  await readerText.click()
  await commenter.page.keyboard.type('commenter typing')
  await commenter.page.keyboard.press('Enter')
  await expect(readerText).not.toContainText('commenter typing')
  await owner.page.waitForTimeout(500)
  await expect(ownerText).not.toContainText('commenter typing')
  await commenter.page.screenshot({ path: `${SHOTS}/editor-readonly.png` })

  checkCommenter()
  await closeAll(owner.context, commenter.context)
})

test('edits made offline merge with the other person’s when the connection returns', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const editor = await joinThroughInvite(browser, owner.page, 'editor', 'Editor', 'Marketing Ops')
  const checkOwner = failOnConsoleErrors(owner.page)
  const checkEditor = failOnConsoleErrors(editor.page, [/WebSocket connection .* failed/])
  const id = await createNarrative(owner.page, 'Event season plan', 'Blank')

  const ownerText = await openEditor(owner.page, id)
  const editorText = await openEditor(editor.page, id)
  await typeNewParagraph(owner.page, ownerText, 'Before the drop.')
  await expect(editorText).toContainText('Before the drop.')

  await editor.context.setOffline(true)
  await expect(editor.page.locator('[data-connection]')).toHaveText('Offline')
  await typeNewParagraph(editor.page, editorText, 'Written on the train.')
  await expect(editor.page.locator('[data-save]')).toHaveText(/Not saved yet/)
  await editor.page.screenshot({ path: `${SHOTS}/editor-offline.png` })

  // Leaving now would lose the edit: the browser asks first.
  const dialog = editor.page.waitForEvent('dialog')
  await editor.page.close({ runBeforeUnload: true })
  const prompt = await dialog
  expect(prompt.type()).toBe('beforeunload')
  await prompt.dismiss()

  await typeNewParagraph(owner.page, ownerText, 'Written at the office.')
  await expect(editorText).not.toContainText('Written at the office.')
  await expect(ownerText).not.toContainText('Written on the train.')

  await editor.context.setOffline(false)
  await expect(editor.page.locator('[data-connection]')).toHaveText('Connected')
  for (const text of [ownerText, editorText]) {
    await expect(text).toContainText('Written on the train.')
    await expect(text).toContainText('Written at the office.')
  }
  await expect(editor.page.locator('[data-save]')).toHaveText('All changes saved')

  // And the server kept the merge: a fresh load has both.
  await owner.page.reload()
  const reloaded = await openEditor(owner.page, id)
  await expect(reloaded).toContainText('Written on the train.')
  await expect(reloaded).toContainText('Written at the office.')

  checkOwner()
  checkEditor()
  await closeAll(owner.context, editor.context)
})

test('a session that ends while the page is open says so and links to sign-in', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const id = await createNarrative(owner.page, 'Signed-out plan', 'Blank')
  const page = owner.page
  const text = await openEditor(page, id)
  await typeNewParagraph(page, text, 'Kept on the page.')
  await expect(page.locator('[data-save]')).toHaveText('All changes saved')

  // The next connection has no session cookie: the server refuses the upgrade with 4401.
  await owner.context.clearCookies()
  await owner.context.setOffline(true)
  await owner.context.setOffline(false)
  const alert = page.getByRole('alert').filter({ hasText: 'Signed out — sign in again' })
  await expect(alert).toBeVisible()
  await expect(alert.getByRole('link', { name: 'Sign in' })).toHaveAttribute(
    'href',
    new RegExp(`^/login\\?redirectTo=%2Fnarratives%2F${id}$`),
  )
  await expect(page.locator('[data-connection]')).toHaveText('Disconnected')
  await expect(text).toContainText('Kept on the page.')
  await page.screenshot({ path: `${SHOTS}/editor-signed-out.png` })
  await closeAll(owner.context)
})

test('the toolbar formats headings, lists, links, tables and rules, and the outline follows', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const check = failOnConsoleErrors(owner.page)
  const id = await createNarrative(owner.page, 'Brand refresh', 'Blank')
  const page = owner.page
  const text = await openEditor(page, id)
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' })

  await text.click()
  await page.keyboard.type('Why now')
  await toolbar.getByRole('button', { name: 'Heading 2' }).click()
  await expect(text.locator('h2', { hasText: 'Why now' })).toBeVisible()
  await expect(toolbar.getByRole('button', { name: 'Heading 2' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByRole('navigation', { name: 'Outline' }).getByRole('button', { name: 'Why now' })).toBeVisible()

  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Competitors rebranded in FY26')
  await toolbar.getByRole('button', { name: 'Bulleted list' }).click()
  await expect(text.locator('ul li', { hasText: 'Competitors rebranded in FY26' })).toBeVisible()
  await expect(toolbar.getByRole('button', { name: 'Bulleted list' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Our NPS fell two quarters running')
  await expect(text.locator('ul li')).toHaveCount(2)
  await page.keyboard.press('Enter')
  await page.keyboard.press('Enter') // an empty item ends the list

  // Keyboard shortcuts: bold, and a link through the inline popover (Ctrl-K).
  await page.keyboard.press('Control+b')
  await page.keyboard.type('Decision needed')
  await page.keyboard.press('Control+b')
  await expect(text.locator('strong, .doc-bold', { hasText: 'Decision needed' })).toBeVisible()
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Control+k')
  const linkInput = page.getByLabel('Link address')
  await expect(linkInput).toBeFocused()
  await linkInput.fill('acme.com/brand')
  await linkInput.press('Enter')
  await expect(text.locator('a[href="https://acme.com/brand"]')).toHaveText('Decision needed')

  // Markdown shortcut for a heading, then a table and a divider from the toolbar.
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type('## Budget')
  await expect(text.locator('h2', { hasText: 'Budget' })).toBeVisible()
  await page.keyboard.press('Enter')
  await toolbar.getByRole('button', { name: 'Insert table' }).click()
  await expect(text.locator('table tr')).toHaveCount(3)
  await expect(text.locator('table tr').first().locator('th, td')).toHaveCount(3)
  await page.keyboard.type('Channel')
  await text.locator('table tr').last().locator('td').last().click()
  await page.keyboard.press('Control+End')
  await toolbar.getByRole('button', { name: 'Insert divider' }).click()
  await expect(text.locator('hr')).toHaveCount(1)

  await expect(page.getByRole('navigation', { name: 'Outline' }).getByRole('button')).toHaveText(['Why now', 'Budget'])
  await expect(page.locator('[data-save]')).toHaveText('All changes saved')
  await page.screenshot({ path: `${SHOTS}/editor-toolbar.png` })

  // Arrow keys move between toolbar buttons (one tab stop).
  await toolbar.getByRole('button', { name: 'Bold' }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(toolbar.getByRole('button', { name: 'Italic' })).toBeFocused()

  // Undo goes through the Yjs undo manager.
  await text.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type('Oops')
  await expect(text).toContainText('Oops')
  await page.keyboard.press('Control+z')
  await expect(text).not.toContainText('Oops')

  await page.reload()
  const reloaded = await openEditor(page, id)
  await expect(reloaded.locator('h2')).toHaveText(['Why now', 'Budget'])
  await expect(reloaded.locator('ul li')).toHaveCount(2)
  await expect(reloaded.locator('table')).toHaveCount(1)
  check()
  await closeAll(owner.context)
})

test('pasting from Google Docs keeps headings, lists and links', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const id = await createNarrative(owner.page, 'Pasted plan', 'Blank')
  const page = owner.page
  const text = await openEditor(page, id)
  await text.click()

  // What Google Docs puts on the clipboard: a <b id="docs-internal-guid-…"> wrapper, inline styles.
  const html =
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c">' +
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt"><span style="font-size:16pt;font-weight:400">Market context</span></h2>' +
    '<p dir="ltr"><span style="font-weight:700">Mid-market</span><span> demand grew </span><a href="https://example.com/report"><span>18%</span></a><span>.</span></p>' +
    '<ul style="margin-top:0;margin-bottom:0"><li dir="ltr" style="list-style-type:disc"><p dir="ltr"><span>Faster sales cycles</span></p></li>' +
    '<li dir="ltr" style="list-style-type:disc"><p dir="ltr"><span>Lower CAC</span></p></li></ul>' +
    '<ol><li><p><span>Hire two SDRs</span></p></li></ol></b>'
  await text.evaluate((element, payload) => {
    const data = new DataTransfer()
    data.setData('text/html', payload)
    data.setData('text/plain', 'Market context')
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, html)

  await expect(text.locator('h2', { hasText: 'Market context' })).toBeVisible()
  await expect(text.locator('ul > li')).toHaveText(['Faster sales cycles', 'Lower CAC'])
  await expect(text.locator('ol > li')).toHaveText(['Hire two SDRs'])
  await expect(text.locator('a[href="https://example.com/report"]')).toHaveText('18%')
  await expect(text.locator('.doc-bold', { hasText: 'Mid-market' })).toBeVisible()
  await expect(page.locator('[data-save]')).toHaveText('All changes saved')
  await closeAll(owner.context)
})

test('the narratives list shows who is in a narrative right now, and drops them when they leave', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const editor = await joinThroughInvite(browser, owner.page, 'editor', 'Editor', 'Marketing Ops')
  const check = failOnConsoleErrors(owner.page)
  const id = await createNarrative(owner.page, 'Who is here', 'Blank')
  await openEditor(editor.page, id)

  await owner.page.goto('/narratives')
  const row = owner.page.getByRole('list', { name: 'Narratives' }).getByRole('listitem').filter({ hasText: 'Who is here' })
  // The owner's own socket (closed by leaving the editor) may still be counted for a moment.
  await expect(row.locator('.presence')).toHaveAttribute('aria-label', new RegExp(`^In it now: .*${editor.account.name}`))
  await owner.page.screenshot({ path: `${SHOTS}/narratives-presence.png` })

  await editor.page.goto('/narratives')
  await expect(async () => {
    await owner.page.reload()
    await expect(owner.page.locator('.narrative-list .presence')).toHaveCount(0, { timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  check()
  await closeAll(owner.context, editor.context)
})
