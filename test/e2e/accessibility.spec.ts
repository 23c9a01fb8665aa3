import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { createNarrativeViaApi, expect, ownerContext, signInThroughForm, test, waitForEditor, type Account } from './fixtures.ts'

/**
 * Every page through axe-core (WCAG 2.1 A/AA rules): no serious or critical violation, as the
 * owner of the demo workspace (working material, dialogs, editor, charts, board, map, settings,
 * inbox, search palette) and as its reader (leadership's pages). The demo seed gives every page
 * real content. Prints the number of pages and rules checked.
 */

const DEMO = { password: 'accord-demo' }
const SHOTS = 'test/.artifacts'
type Finding = { page: string; rule: string; impact: string; help: string; nodes: string[] }

async function audit(page: Page, label: string, findings: Finding[], counts: { pages: number; passes: number }) {
  // Collaborative pages hold an open socket and an event stream: wait for the content, not the network.
  await expect(page.locator('main, .api-main').first()).toBeVisible()
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  counts.pages++
  counts.passes += result.passes.length
  for (const v of result.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue
    findings.push({
      page: label,
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`),
    })
  }
}

/** The first link on `path` whose href matches `re` (an object of the demo workspace). */
async function firstHref(page: Page, path: string, re: RegExp, optional = false) {
  await page.goto(path)
  await expect(page.locator('main')).toBeVisible()
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  const href = hrefs.find((h) => re.test(h))
  if (!optional) expect(href, `a link matching ${re} on ${path}`).toBeTruthy()
  return href ?? null
}

function report(findings: Finding[], counts: { pages: number; passes: number }) {
  console.log(`axe: ${counts.pages} page states checked, ${counts.passes} rule passes, ${findings.length} serious/critical violations`)
  expect(
    findings.map((f) => `${f.page}: [${f.impact}] ${f.rule} — ${f.help}\n    ${f.nodes.join('\n    ')}`),
    'serious or critical accessibility violations',
  ).toEqual([])
}

test('every page as the owner has no serious or critical axe violations', async ({ page, browser }) => {
  test.setTimeout(300_000)
  const findings: Finding[] = []
  const counts = { pages: 0, passes: 0 }
  await page.goto('/login')
  await audit(page, '/login', findings, counts)
  await page.goto('/signup')
  await audit(page, '/signup', findings, counts)
  await signInThroughForm(page, { email: 'mops@acme.test', ...DEMO })
  await expect(page).toHaveURL(/\/home$/)

  const narrative = (await firstHref(page, '/narratives', /^\/narratives\/[0-9a-f-]{36}$/))!
  const system = (await firstHref(page, '/stack', /^\/stack\/systems\/[0-9a-f-]{36}$/))!
  const metric = (await firstHref(page, '/metrics', /^\/metrics\/(?!new|import|settings|funnel)[a-z][a-z0-9_]+$/))!
  const initiative = (await firstHref(page, '/roadmap', /^\/roadmap\/[0-9a-f-]{36}$/))!

  const pages = [
    '/home',
    '/narratives',
    narrative,
    `${narrative}/feasibility`,
    `${narrative}/commitments`,
    '/roadmap',
    initiative,
    '/metrics',
    metric,
    '/metrics/funnel',
    '/metrics/new',
    '/metrics/import',
    '/metrics/settings',
    '/reviews',
    '/stack',
    '/stack/capabilities',
    '/stack/integrations',
    '/stack/map',
    system,
    '/stack/import',
    '/approved',
    '/inbox',
    '/settings',
    '/settings/members',
    '/settings/tokens',
    '/search?q=pipeline',
    '/api/docs',
  ]
  for (const path of pages) {
    await page.goto(path)
    if (path === narrative) await waitForEditor(page)
    await audit(page, path, findings, counts)
  }

  // Issue 7's pages: the reading view of the demo's approved narrative, its Versions tab, one
  // version and the word diff between the two newest versions.
  const read = (await firstHref(page, '/approved', /^\/read\/[0-9a-f-]{36}$/))!
  await page.goto(read)
  await audit(page, `${read} (owner)`, findings, counts)
  const approvedId = read.split('/')[2]!
  await page.goto(`/narratives/${approvedId}`)
  await waitForEditor(page)
  await page.getByRole('tab', { name: 'Versions' }).click()
  const list = page.getByRole('list', { name: 'Versions' })
  await expect(list).toBeVisible()
  await audit(page, `/narratives/${approvedId} (Versions tab)`, findings, counts)
  const versionIds = (await list.locator('a[href*="/versions?v="]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))).map(
    (h) => h.split('v=')[1]!,
  )
  expect(versionIds.length, 'the approved narrative has two versions or more').toBeGreaterThanOrEqual(2)
  for (const path of [
    `/narratives/${approvedId}/versions?v=${versionIds[0]}`,
    `/narratives/${approvedId}/versions?from=${versionIds[1]}&to=${versionIds[0]}`,
  ]) {
    await page.goto(path)
    await audit(page, path, findings, counts)
  }

  // The narratives list while someone else has a narrative open: the row shows their avatars.
  const cmo = await browser.newContext()
  const cmoPage = await cmo.newPage()
  await signInThroughForm(cmoPage, { email: 'cmo@acme.test', ...DEMO })
  await expect(cmoPage).toHaveURL(/\/home$/)
  await cmoPage.goto(narrative)
  await waitForEditor(cmoPage)
  await page.goto('/narratives')
  await expect(page.getByRole('img', { name: /^In it now: .+/ }).first()).toBeVisible()
  await audit(page, '/narratives (someone in a narrative)', findings, counts)
  await cmo.close()

  // Dialogs: New narrative, and the search palette with results.
  await page.goto('/narratives')
  await page.getByRole('button', { name: 'New narrative' }).first().click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await audit(page, '/narratives (New narrative dialog)', findings, counts)
  await page.keyboard.press('Escape')
  await page.goto('/home')
  await page.keyboard.press('Control+k')
  await page.getByRole('combobox', { name: /Search narratives/ }).fill('pipeline')
  await expect(page.getByRole('option').first()).toBeVisible()
  await audit(page, '/home (search palette)', findings, counts)

  report(findings, counts)
})

test('every page as the reader has no serious or critical axe violations', async ({ page }) => {
  test.setTimeout(120_000)
  const findings: Finding[] = []
  const counts = { pages: 0, passes: 0 }
  await signInThroughForm(page, { email: 'ceo@acme.test', ...DEMO })
  await expect(page).toHaveURL(/\/home$/)
  // The demo may have no approved narrative yet (approval arrives with issue 7): then the list's empty state is checked.
  const approved = await firstHref(page, '/approved', /^\/(narratives|read)\/[0-9a-f-]{36}$/, true)
  const metric = (await firstHref(page, '/metrics', /^\/metrics\/(?!new|import|settings|funnel)[a-z][a-z0-9_]+$/))!
  const paths = ['/home', '/approved', approved, '/metrics', metric, '/metrics/funnel', '/reviews', '/search?q=pipeline']
  for (const path of paths.filter((p): p is string => p !== null)) {
    await page.goto(path)
    await audit(page, path, findings, counts)
  }
  report(findings, counts)
})

/** The focused element shows a visible focus indicator (an outline or a focus ring shadow). */
async function expectVisibleFocus(page: Page) {
  const style = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el) return null
    const s = getComputedStyle(el)
    return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none', tag: el.tagName }
  })
  expect(style && (style.outline || style.shadow), `visible focus on ${style?.tag}`).toBeTruthy()
}

test('keyboard only: skip link, search palette, and creating a narrative from the dialog', async ({ browser }) => {
  const { context, page } = await ownerContext(browser, 'Keyboard')
  await page.goto('/home')
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await expectVisibleFocus(page)

  // The rail's search box is reachable by Tab and hands over to the palette; Escape closes it and
  // returns focus.
  const box = page.getByRole('searchbox', { name: 'Search' })
  for (let i = 0; i < 6 && !(await box.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
  await expect(box).toBeFocused()
  await expectVisibleFocus(page)
  // The first letter opens the palette; the rest is typed once it has focus (typing straight
  // through can still lose a letter to the palette's select-on-focus: an open defect, see the note).
  await page.keyboard.type('h')
  const combobox = page.getByRole('combobox', { name: /Search narratives/ })
  await expect(combobox).toBeFocused()
  await expect(combobox).toHaveValue('h')
  await page.keyboard.type('ome')
  await expect(combobox).toHaveValue('home')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  // New narrative with the keyboard: the dialog traps focus, the title field comes first.
  await page.goto('/narratives')
  const create = page.getByRole('button', { name: 'New narrative' }).first()
  await create.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('textbox', { name: 'Title' })).toBeFocused()
  await page.keyboard.type('Keyboard-made plan')
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('radio').first()).toBeFocused()
  await expectVisibleFocus(page)
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/narratives\/[0-9a-f-]{36}$/)
  await expect(page).toHaveTitle(/Keyboard-made plan/)
  await context.close()
})

/** Presses Tab until `target` has focus (at most `max` times): proves it is in the tab order. */
async function tabTo(page: Page, target: Locator, max = 60, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) return
    await page.keyboard.press(key)
  }
  await expect(target, `reached by Tab within ${max} presses`).toBeFocused()
}

/** A bearer token for `account` (fixtures through the public API, not the UI under test). */
async function apiToken(page: Page, account: Account) {
  const res = await page.request.post('/api/v1/tokens', {
    data: { email: account.email, password: account.password, workspace: account.workspace },
  })
  expect(res.status()).toBe(201)
  return ((await res.json()) as { token: string }).token
}

/** The focused toolbar button's label. */
const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)

/** Moves focus along the toolbar with ArrowRight until the button named `label` has it. */
async function arrowTo(page: Page, label: string) {
  for (let i = 0; i < 20 && (await focusedLabel(page)) !== label; i++) await page.keyboard.press('ArrowRight')
  expect(await focusedLabel(page)).toBe(label)
}

test('keyboard only: the editor toolbar (Alt+F10 and back, heading, bold, list, link) and leaving the text', async ({ browser }) => {
  test.setTimeout(120_000)
  const { context, page, account } = await ownerContext(browser, 'Keys')
  const id = await createNarrativeViaApi(page, account, 'Keyboard formatting', 'blank')
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`/narratives/${id}`)
  // The first sync can be slow on a loaded machine.
  await waitForEditor(page)
  const text = page.getByRole('textbox', { name: 'Narrative text' })
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' })
  await expect(text).toHaveAccessibleDescription(/Alt\+F10 moves to the formatting toolbar/)

  // The toolbar is one tab stop before the text; the text follows it.
  await tabTo(page, toolbar.getByRole('button', { name: 'Undo' }))
  await expectVisibleFocus(page)
  await page.keyboard.press('Tab')
  await expect(text).toBeFocused()

  // Heading: Alt+F10 from the text, arrows to "Heading 2", Enter, Escape back into the text.
  await page.keyboard.type('Why now')
  await page.keyboard.press('Alt+F10')
  await expect(toolbar.getByRole('button', { name: 'Undo' })).toBeFocused()
  await arrowTo(page, 'Heading 2')
  await expectVisibleFocus(page)
  await page.keyboard.press('Enter')
  await expect(text.locator('h2', { hasText: 'Why now' })).toBeVisible()
  await expect(toolbar.getByRole('button', { name: 'Heading 2' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Escape')
  await expect(text).toBeFocused()

  // Bold on a selection: Alt+F10 returns to the last button used (roving tab stop).
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Decision needed')
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Alt+F10')
  await expect(toolbar.getByRole('button', { name: 'Heading 2' })).toBeFocused()
  await arrowTo(page, 'Bold')
  await page.keyboard.press('Space')
  await expect(text.locator('strong, .doc-bold', { hasText: 'Decision needed' })).toBeVisible()
  await expect(toolbar.getByRole('button', { name: 'Bold' })).toHaveAttribute('aria-pressed', 'true')

  // A bulleted list, still from the toolbar; then the link popover from the Link button.
  await arrowTo(page, 'Bulleted list')
  await page.keyboard.press('Enter')
  await expect(text.locator('ul li', { hasText: 'Decision needed' })).toBeVisible()
  await page.keyboard.press('End')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect(toolbar.getByRole('button', { name: 'Link' })).toBeFocused()
  await page.keyboard.press('Enter')
  const address = page.getByLabel('Link address')
  await expect(address).toBeFocused()
  await page.keyboard.type('acme.com/brand')
  await page.keyboard.press('Enter')
  await expect(text.locator('a[href="https://acme.com/brand"]')).toHaveText('Decision needed')
  await expect(text).toBeFocused()
  await page.screenshot({ path: `${SHOTS}/keyboard-toolbar.png` })

  // Tab indents inside the text; Escape leaves it (Lexical blurs the text) and Tab moves on to the
  // side panel. (On a link, the first Escape closes the link's popover: end the list first.)
  // The linked words stay selected for a moment after the popover closes; Enter on that selection
  // would replace them, so End until the caret is collapsed.
  await expect
    .poll(async () => {
      await page.keyboard.press('End')
      return page.evaluate(() => window.getSelection()?.isCollapsed)
    })
    .toBe(true)
  await page.keyboard.press('Enter')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('group', { name: 'Link' })).toHaveCount(0)
  // An Escape first closes the link popover when it is still up (it follows the caret a moment late).
  await expect
    .poll(async () => {
      await page.keyboard.press('Escape')
      return text.evaluate((el) => el === document.activeElement)
    })
    .toBe(false)
  await page.keyboard.press('Tab')
  await expect(text).not.toBeFocused()
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('#narrative-panel')))).toBe(true)
  await expect(page.locator('[data-save]')).toHaveText('All changes saved')
  await page.reload()
  await waitForEditor(page)
  await expect(text.locator('h2')).toHaveText('Why now')
  await expect(text.locator('ul li a[href="https://acme.com/brand"]')).toHaveText('Decision needed')
  await context.close()
})

test('keyboard only: comment on a selection, walk the threads, reply and resolve', async ({ browser }) => {
  test.setTimeout(120_000)
  const { context, page, account } = await ownerContext(browser, 'Keys')
  const id = await createNarrativeViaApi(page, account, 'Keyboard comments', 'blank')
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`/narratives/${id}`)
  // The first sync can be slow on a loaded machine.
  await waitForEditor(page)
  const text = page.getByRole('textbox', { name: 'Narrative text' })
  await tabTo(page, text)
  await page.keyboard.type('Alpha launches first. Gamma waits for budget.')

  // Select "budget" and press Ctrl+Alt+M: the composer in the Comments tab takes focus.
  await page.keyboard.press('End')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('Control+Shift+ArrowLeft')
  await page.keyboard.press('Control+Alt+m')
  const composer = page.getByRole('textbox', { name: 'Comment', exact: true })
  await expect(composer).toBeFocused()
  await expect(page.getByRole('tab', { name: 'Comments' })).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.type('Which budget line?')
  await page.keyboard.press('Control+Enter')
  const quote = (q: string) => page.getByRole('button', { name: `Show “${q}” in the text` })
  await expect(quote('budget')).toBeFocused()

  // Enter on the quote puts the caret back in the text at the quote; a second thread from there.
  await page.keyboard.press('Enter')
  await expect(text).toBeFocused()
  await page.keyboard.press('Home')
  await page.keyboard.press('Shift+End')
  await page.keyboard.press('Control+Alt+m')
  await expect(composer).toBeFocused()
  // Escape cancels the draft and returns to the text.
  await page.keyboard.press('Escape')
  await expect(text).toBeFocused()
  await page.keyboard.press('Home')
  await page.keyboard.press('Control+Shift+ArrowRight')
  await page.keyboard.press('Control+Alt+m')
  await expect(composer).toBeFocused()
  await page.keyboard.type('Confirm the launch date')
  await page.keyboard.press('Control+Enter')
  await expect(quote('Alpha')).toBeFocused()

  // Arrow keys walk the threads (document order); Tab reaches Reply; Ctrl+Enter sends it.
  await page.keyboard.press('ArrowDown')
  await expect(quote('budget')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(quote('Alpha')).toBeFocused()
  await page.keyboard.press('End')
  await expect(quote('budget')).toBeFocused()
  const thread = page.getByRole('listitem', { name: 'Thread on “budget”' })
  await tabTo(page, thread.getByRole('button', { name: 'Reply' }), 10)
  await expectVisibleFocus(page)
  await page.keyboard.press('Enter')
  await expect(thread.getByRole('textbox', { name: 'Reply' })).toBeFocused()
  await page.keyboard.type('Paid social, Q1.')
  await page.keyboard.press('Control+Enter')
  await expect(thread.locator('.comment')).toHaveCount(2)
  await expect(thread.getByRole('button', { name: 'Reply' })).toBeFocused()
  await page.screenshot({ path: `${SHOTS}/keyboard-comments.png` })

  // Resolve: the thread leaves the Open list and focus moves to the thread in its place.
  await page.keyboard.press('Tab')
  await expect(thread.getByRole('button', { name: 'Resolve' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('button', { name: 'Resolved (1)' })).toBeVisible()
  await expect(thread).toHaveCount(0)
  await expect(quote('Alpha')).toBeFocused()
  await context.close()
})

/**
 * Presses an arrow on a lifted card until dnd-kit announces `over`. Its keyboard sensor starts
 * listening a tick after the pick-up is announced, so an arrow pressed at once can be lost (seen in
 * CI: "Picked up Alpha plan" and nothing after); a person never presses that fast, so the test
 * presses again rather than sleeping.
 */
async function moveLifted(page: Page, key: 'ArrowLeft' | 'ArrowUp', over: RegExp) {
  await expect(async () => {
    await page.keyboard.press(key)
    await expect(page.getByText(over)).toBeAttached({ timeout: 1_000 })
  }).toPass({ timeout: 15_000 })
}

test('keyboard only: moving initiatives on the roadmap board (rank and column), cancelling, and the move persists', async ({ browser }) => {
  test.setTimeout(120_000)
  const { context, page, account } = await ownerContext(browser, 'Keys')
  const token = await apiToken(page, account)
  for (const title of ['Alpha plan', 'Beta plan', 'Gamma plan']) {
    const res = await page.request.post('/api/v1/initiatives', {
      data: { title, timeframe: 'later', effort: 'M' },
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status()).toBe(201)
  }
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto('/roadmap')
  await expect(page.getByText(/To move an initiative, press Space/)).toBeAttached()
  const later = page.locator('[data-column="later"] .board-card')
  const order = () => later.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-initiative')))
  await expect.poll(order).toEqual(['Alpha plan', 'Beta plan', 'Gamma plan'])

  // Rank: Tab to Beta's handle, Space lifts it, ↑ moves it above Alpha, Space drops it.
  await tabTo(page, page.getByRole('button', { name: 'Move Beta plan' }), 120)
  await expectVisibleFocus(page)
  await page.keyboard.press('Space')
  await expect(page.getByText(/Picked up Beta plan in Not in a quarter, position 2 of 3/)).toBeAttached()
  await moveLifted(page, 'ArrowUp', /Beta plan is over Not in a quarter\./)
  await page.screenshot({ path: `${SHOTS}/keyboard-board-lifted.png` })
  await page.keyboard.press('Space')
  await expect(page.getByText(/Dropped Beta plan in Not in a quarter, position 1 of 3/)).toBeAttached()
  await expect.poll(order).toEqual(['Beta plan', 'Alpha plan', 'Gamma plan'])
  await expect(page.getByText(/Beta plan moved to .+\. Saved\./)).toBeAttached()

  // Escape cancels a move: Gamma goes left to a quarter, then back where it was.
  await tabTo(page, page.getByRole('button', { name: 'Move Gamma plan' }), 20)
  await page.keyboard.press('Space')
  await expect(page.getByText(/Picked up Gamma plan/)).toBeAttached()
  await moveLifted(page, 'ArrowLeft', /Gamma plan is over FY\d\d Q[1-4]\./)
  await page.keyboard.press('Escape')
  await expect(page.getByText(/Move cancelled\. Gamma plan is back where it was\./)).toBeAttached()
  await expect.poll(order).toEqual(['Beta plan', 'Alpha plan', 'Gamma plan'])

  // Column: Alpha goes left into the last quarter.
  await tabTo(page, page.getByRole('button', { name: 'Move Alpha plan' }), 20, 'Shift+Tab')
  await page.keyboard.press('Space')
  await expect(page.getByText(/Picked up Alpha plan/)).toBeAttached()
  // Each step waits for its announcement: the card is over the quarter only once dnd-kit measured it.
  await moveLifted(page, 'ArrowLeft', /Alpha plan is over FY\d\d Q[1-4]\./)
  await page.keyboard.press('Space')
  await expect(page.getByText(/Dropped Alpha plan in FY\d\d Q[1-4]/)).toBeAttached()
  await expect.poll(order).toEqual(['Beta plan', 'Gamma plan'])
  await expect(page.getByText(/moved to FY\d\d Q[1-4]\. Saved\./)).toBeAttached()
  // The card settles into its new column a frame after the drop (it was read mid-drop once in CI).
  const alphaColumnNow = () =>
    page.locator('.board-card[data-initiative="Alpha plan"]').evaluate((el) => el.closest('[data-column]')?.getAttribute('data-column'))
  await expect.poll(alphaColumnNow).toMatch(/^\d{4}-Q[1-4]$/)
  const alphaColumn = await alphaColumnNow()

  // Reload: both moves were saved.
  await page.reload()
  await expect(page.getByText(/To move an initiative, press Space/)).toBeAttached()
  await expect.poll(order).toEqual(['Beta plan', 'Gamma plan'])
  expect(
    await page
      .locator('.board-card[data-initiative="Alpha plan"]')
      .evaluate((el) => el.closest('[data-column]')?.getAttribute('data-column')),
  ).toBe(alphaColumn)
  await context.close()
})
