import { test, expect, ownerContext, joinThroughInvite, signInThroughForm } from './fixtures.ts'
import type { Page } from '@playwright/test'

const SHOTS = 'test/.artifacts'

/** The board column (its timeframe id) that holds the card of `title`. */
async function columnOf(page: Page, title: string) {
  const card = page.locator('.board-card', { has: page.getByRole('link', { name: title, exact: true }) })
  return card.evaluate((el) => el.closest('[data-column]')?.getAttribute('data-column') ?? null)
}

test('an editor plans an initiative, a commenter gives input, and a keyboard move to another quarter persists', async ({ browser }) => {
  const owner = await ownerContext(browser, 'MOps')
  const page = owner.page
  await page.goto('/roadmap')
  await expect(page.getByRole('heading', { name: 'Plan what marketing does next' })).toBeVisible()

  await page.getByRole('button', { name: 'New initiative' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'New initiative' })
  await dialog.getByLabel('Title').fill('Intent data in account scoring')
  await dialog.getByLabel('Why this, why now').fill('SDRs call accounts that are in market.')
  await dialog.getByLabel('Effort').selectOption('L')
  await dialog.getByRole('button', { name: 'Create initiative' }).click()
  await expect(dialog).toBeHidden()
  const title = 'Intent data in account scoring'
  await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible()
  const before = await columnOf(page, title)
  expect(before).toMatch(/^\d{4}-Q[1-4]$/)

  // A finance commenter gives a stance (they cannot move or edit); the owner's open board updates live.
  const finance = await joinThroughInvite(browser, page, 'commenter', 'Finance', 'Finance')
  await page.goto('/roadmap')
  await expect(page.getByText(/To move an initiative, press Space/)).toBeAttached()
  await finance.page.goto('/roadmap')
  await expect(finance.page.getByRole('button', { name: `Move ${title}` })).toHaveCount(0)
  await finance.page.getByRole('link', { name: title, exact: true }).click()
  const drawer = finance.page.getByRole('dialog', { name: title })
  await expect(drawer).toBeVisible()
  await expect(drawer.getByRole('button', { name: 'Edit' })).toHaveCount(0)
  await drawer.getByText('Concern', { exact: true }).click()
  await drawer.getByPlaceholder(/Why\?/).fill('The data contract is $60k a year; show the pilot numbers first.')
  await drawer.getByRole('button', { name: 'Give input' }).click()
  await expect(drawer.getByRole('list', { name: 'Input per function' })).toContainText('Finance: 1 concern')
  await expect(drawer.getByRole('button', { name: 'Update my input' })).toBeVisible()

  // The owner sees the count per function on the board without reloading.
  const card = page.locator('.board-card', { has: page.getByRole('link', { name: title, exact: true }) })
  await expect(card.getByRole('list', { name: 'Input per function' })).toContainText('Finance: 1 concern')

  // Keyboard: focus the handle, Space to lift, → to the next quarter, Space to drop.
  const handle = page.getByRole('button', { name: `Move ${title}` })
  // The drag-and-drop instructions are mounted once the board is hydrated.
  await expect(page.getByText(/To move an initiative, press Space/)).toBeAttached()
  await handle.focus()
  // Each step waits for its announcement (the sensor listens for arrows only once the card is lifted).
  await page.keyboard.press('Space')
  await expect(page.getByText(new RegExp(`Picked up ${title}`))).toBeAttached()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByText(new RegExp(`${title} is over FY\\d\\d Q[1-4]\\.`))).toBeAttached()
  await page.keyboard.press('Space')
  await expect(page.getByText(new RegExp(`Dropped ${title} in FY\\d\\d Q[1-4]`))).toBeAttached()
  await expect.poll(() => columnOf(page, title)).not.toBe(before)
  const after = await columnOf(page, title)
  expect(after).toMatch(/^\d{4}-Q[1-4]$/)
  expect(after! > before!).toBe(true)
  await expect(page.getByText(/moved to FY\d\d Q[1-4]\. Saved\./)).toBeAttached()

  await page.reload()
  await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible()
  expect(await columnOf(page, title)).toBe(after)

  await finance.context.close()
  await owner.context.close()
})

test('screenshots of the demo roadmap (board, now/next/later, ranked, chart, drawer)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined))
  await signInThroughForm(page, { email: 'mops@acme.test', password: 'accord-demo' })
  await expect(page).toHaveURL(/\/home$/)
  await page.goto('/roadmap')
  await expect(page.getByRole('region', { name: 'Roadmap by quarter' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-quarters.png`, fullPage: true })
  await page.getByRole('link', { name: 'Now / Next / Later' }).click()
  await expect(page.getByRole('region', { name: 'Roadmap by now, next and later' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-horizons.png`, fullPage: true })
  await page.getByRole('link', { name: 'Ranked' }).click()
  await expect(page.getByRole('table', { name: 'Initiatives ranked by priority score' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-ranked.png`, fullPage: true })
  await page.getByRole('link', { name: 'Value vs effort' }).click()
  await expect(page.getByRole('img', { name: /Value versus effort/ })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-chart.png`, fullPage: true })
  await page.goto('/roadmap')
  await page.getByRole('link', { name: 'ABM programme for tier-1 accounts', exact: true }).click()
  await expect(page.getByRole('dialog', { name: 'ABM programme for tier-1 accounts' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-drawer.png` })
  const drawer = page.getByRole('dialog', { name: 'ABM programme for tier-1 accounts' })
  await drawer.getByRole('heading', { name: 'Discussion' }).scrollIntoViewIfNeeded()
  await expect(drawer.getByText(/can the first wave include the 30 renewals/)).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/roadmap-drawer-discussion.png` })
  expect(errors, 'console errors on the roadmap').toEqual([])
  await context.close()
})
