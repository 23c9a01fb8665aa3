import type { Page } from '@playwright/test'
import { createNarrative, expect, joinThroughInvite, ownerContext, test, waitForEditor } from './fixtures.ts'

/**
 * Comments in the margin, end to end: the finance commenter (read-only text) comments on a
 * sentence of the CMO's narrative and mentions the CMO, who sees the highlight live, replies and
 * resolves. Two separate browser contexts.
 */

const SHOTS = 'test/.artifacts'
const SENTENCE = 'Pipeline grows when sales and marketing share one revenue goal.'

async function openNarrative(page: Page, id: string) {
  await page.goto(`/narratives/${id}`)
  await waitForEditor(page)
  return page.getByLabel('Narrative text')
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

const highlightCount = (page: Page) =>
  page.evaluate(() => {
    const h = (CSS as unknown as { highlights: Map<string, { size: number }> }).highlights
    return (h.get('accord-comment')?.size ?? 0) + (h.get('accord-comment-active')?.size ?? 0)
  })

test('a commenter comments on a sentence and mentions the CMO, who sees it live, replies and resolves', async ({ browser }) => {
  const cmo = await ownerContext(browser, 'CMO')
  const finance = await joinThroughInvite(browser, cmo.page, 'commenter', 'Finance', 'Finance')
  const id = await createNarrative(cmo.page, 'FY27 account-based pipeline strategy', 'Blank')

  const text = await openNarrative(cmo.page, id)
  await text.click()
  await cmo.page.keyboard.press('Control+End')
  await cmo.page.keyboard.type(`Summary. ${SENTENCE} Risks follow.`)
  await expect(cmo.page.locator('[data-save="saved"]')).toBeVisible()

  const financeText = await openNarrative(finance.page, id)
  await expect(financeText).toContainText(SENTENCE)
  await selectPhrase(finance.page, SENTENCE)
  await finance.page.getByRole('button', { name: 'Comment', exact: true }).click()
  const composer = finance.page.getByRole('textbox', { name: 'Comment' })
  await expect(composer).toBeFocused()
  await composer.pressSequentially('@CMO')
  await finance.page.getByRole('button', { name: cmo.account.name }).click()
  await composer.pressSequentially('which quarter does this goal start?')
  await finance.page.screenshot({ path: `${SHOTS}/comments-composer.png` })
  await finance.page.getByRole('button', { name: 'Comment', exact: true }).click()

  const thread = finance.page.locator('.thread[data-thread-id]')
  await expect(thread).toContainText('which quarter does this goal start?')
  await expect(thread.locator('.mention')).toHaveText(`@${cmo.account.name}`)
  await expect.poll(() => highlightCount(finance.page)).toBe(1)

  // The CMO, on the same page, is notified and sees the thread and its highlight arrive without reloading.
  await expect(cmo.page.getByTestId('inbox-count')).toHaveText('1')
  await cmo.page.getByRole('tab', { name: 'Comments' }).click()
  const cmoThread = cmo.page.locator('.thread[data-thread-id]')
  await expect(cmoThread).toContainText(SENTENCE)
  await expect.poll(() => highlightCount(cmo.page)).toBe(1)
  await cmo.page.screenshot({ path: `${SHOTS}/comments-thread.png` })

  await cmoThread.getByRole('button', { name: 'Reply' }).click()
  await cmoThread.getByRole('textbox', { name: 'Reply' }).fill('Q1 — the board approved it last week.')
  await cmoThread.getByRole('button', { name: 'Reply' }).click()
  await expect(thread).toContainText('Q1 — the board approved it last week.')

  await cmoThread.getByRole('button', { name: 'Resolve' }).click()
  await expect(cmo.page.getByText('Every thread is resolved')).toBeVisible()
  await expect.poll(() => highlightCount(cmo.page)).toBe(0)
  // Resolved threads are hidden, but findable.
  await cmo.page.getByRole('button', { name: /Resolved \(1\)/ }).click()
  await expect(cmoThread).toContainText('Resolved by')
  await cmo.page.screenshot({ path: `${SHOTS}/comments-resolved.png` })

  // The mention is in the CMO's inbox, with a link back to the thread.
  await cmo.page.getByRole('link', { name: /Inbox 1 unread/ }).click()
  await expect(cmo.page.getByText('mentioned you')).toBeVisible()
  await cmo.page.screenshot({ path: `${SHOTS}/comments-inbox.png` })
  await cmo.page.getByRole('button', { name: 'Mark all read' }).click()
  await expect(cmo.page.getByTestId('inbox-count')).toHaveCount(0)

  // Finance sees it resolved live too.
  await expect(finance.page.getByRole('button', { name: /Resolved \(1\)/ })).toBeVisible()
  await cmo.context.close()
  await finance.context.close()
})
