import { demoMember, expect, failOnConsoleErrors, test, waitForEditor } from './fixtures.ts'

/**
 * Issue 5's story on the demo workspace: finance (a commenter whose function owns revenue) enters
 * an actual in the grid, and the CMO's open narrative updates its revenue chip without a reload.
 * The chip also committed the narrative to revenue (a commitment derived from the text).
 */

const SHOTS = 'test/.artifacts'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

test("finance enters an actual for revenue and the CMO's open narrative updates its revenue chip without a reload", async ({ browser }) => {
  const cmo = await demoMember(browser, 'cmo@acme.test')
  const noErrors = failOnConsoleErrors(cmo.page)
  // The demo's narratives list has a search box too: fill the dialog's Title.
  await cmo.page.goto('/narratives')
  await cmo.page.getByRole('button', { name: 'New narrative' }).first().click()
  await cmo.page.getByRole('textbox', { name: 'Title' }).fill(`Revenue plan ${Date.now()}`)
  await cmo.page.getByRole('radio', { name: 'Strategy narrative' }).check()
  await cmo.page.getByRole('button', { name: 'Create narrative' }).click()
  await expect(cmo.page).toHaveURL(/\/narratives\/[0-9a-f-]{36}$/)
  const id = cmo.page.url().split('/').pop()!
  await waitForEditor(cmo.page)
  const editor = cmo.page.getByLabel('Narrative text')
  await editor.click()
  await cmo.page.keyboard.press('Control+End')
  await cmo.page.keyboard.press('Enter')
  await cmo.page.keyboard.type('We grow $reven')
  await cmo.page
    .getByRole('listbox', { name: 'Metrics' })
    .getByRole('option', { name: /^Revenue/ })
    .click()
  await cmo.page.keyboard.type(' with the account-based motion.')
  const chip = editor.locator('.ref-chip-metric', { hasText: 'Revenue' })
  await expect(chip).toHaveAttribute('data-live', /^\$\d+(\.\d)?M \/ \$\d+(\.\d)?M · /)
  const before = await chip.getAttribute('data-live')

  // The server derived a commitment from the chip: the Metrics tab lists it as from the text.
  await cmo.page.getByRole('tab', { name: 'Metrics' }).click()
  const commitment = cmo.page.locator('.evidence-item', { hasText: 'Revenue' })
  await expect(commitment).toContainText('From the text', { timeout: 15_000 })
  await cmo.page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true))

  // Finance opens revenue: targets are read-only for them, actuals are theirs to enter.
  const finance = await demoMember(browser, 'finance@acme.test')
  const financeErrors = failOnConsoleErrors(finance.page)
  await finance.page.goto('/metrics/revenue?grid=month')
  const now = new Date()
  const month = `${MONTHS[now.getUTCMonth()]} ${now.getUTCFullYear()}`
  await expect(finance.page.getByLabel(`Target ${month}`)).toHaveCount(0)
  await finance.page.getByLabel(`Actual ${month}`).fill('2,400,000')
  await finance.page.getByRole('button', { name: 'Save actuals' }).click()
  await expect(finance.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible()
  await finance.page.screenshot({ path: `${SHOTS}/metric-actuals-finance.png`, fullPage: true })
  // The page's "Latest actual" is the chip's figure, compact, whatever granularity the chart is drawn at.
  for (const g of ['month', 'quarter', 'week']) {
    await finance.page.goto(`/metrics/revenue?g=${g}`)
    await expect(finance.page.getByLabel('Where it stands')).toContainText(`$2.4M${month}`)
  }

  // The CMO's chip shows the new value and its health, in the same page.
  await expect(chip).toHaveAttribute('data-live', /^\$2\.4M \/ \$\d+(\.\d)?M · On track$/)
  expect(await chip.getAttribute('data-live')).not.toBe(before)
  expect(await cmo.page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true)

  // The CMO raises the commitment's target beside the text; it stays derived from the text, now edited.
  await commitment.getByText('Edit the terms').click()
  await commitment.getByLabel('To').fill('7000000')
  await commitment.getByRole('button', { name: 'Save the Revenue commitment' }).click()
  await expect(commitment.locator('.evidence-figures')).toContainText(/→ \$7(\.0)?M by/)
  await cmo.page.screenshot({ path: `${SHOTS}/metric-actuals-cmo.png` })
  await cmo.page.goto(`/narratives/${id}/commitments`)
  await expect(cmo.page.getByRole('listitem').filter({ hasText: 'Revenue' })).toContainText('From the text · edited')
  await cmo.page.screenshot({ path: `${SHOTS}/metric-actuals-commitments.png`, fullPage: true })
  // With the target below where revenue stands, it is passed: said plainly, on the on-track scale, the bar full and no more.
  const card = cmo.page.locator('li.commitment', { hasText: 'Revenue' })
  await card.getByText('Edit the terms').click()
  // Revenue is a flow measured per quarter: with $2.4M this month the quarter is past $5M, whole or at its pace.
  await card.getByRole('textbox', { name: 'Baseline', exact: true }).fill('4,000,000')
  await card.getByRole('textbox', { name: 'Target', exact: true }).fill('5,000,000')
  await card.getByRole('button', { name: 'Save the Revenue commitment' }).click()
  await expect(card.locator('.chip.pass')).toHaveText('Target passed')
  await expect(card).toContainText('· Target passed ·')
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100')
  await cmo.page.screenshot({ path: `${SHOTS}/metric-actuals-target-passed.png`, fullPage: true })
  noErrors()
  financeErrors()
  await finance.context.close()
  await cmo.context.close()
})

test('a reader sees the grid read-only; sales (not the owner function) too', async ({ browser }) => {
  for (const email of ['ceo@acme.test', 'sales@acme.test']) {
    const who = await demoMember(browser, email)
    await who.page.goto('/metrics/revenue?grid=month')
    await expect(who.page.getByRole('heading', { name: 'Targets and actuals' })).toBeVisible()
    await expect(who.page.getByRole('button', { name: /Save/ })).toHaveCount(0)
    await expect(who.page.getByRole('textbox')).toHaveCount(0)
    await who.context.close()
  }
})
