import type { Locator, Page } from '@playwright/test'
import { createNarrative, expect, failOnConsoleErrors, joinThroughInvite, ownerContext, test, waitForEditor } from './fixtures.ts'

/**
 * Live chips in the narrative: `#` cites a capability (checked against the stack), `$` a metric
 * (value, target, health); the requirement is derived on the server and listed in the Feasibility
 * tab; MOps phasing a system out turns the CMO's open chip red without a reload.
 */

const SHOTS = 'test/.artifacts'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function csv(text: string) {
  return { name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(text) }
}

async function importCsv(page: Page, kind: 'Systems' | 'Capability support', text: string, rows: string) {
  await page.goto('/stack/import')
  await page.getByRole('group', { name: 'What to import' }).getByText(kind, { exact: true }).click()
  await page.getByLabel('CSV file').setInputFiles(csv(text))
  await page.getByRole('button', { name: `Import ${rows}` }).click()
  await expect(page.getByRole('status')).toContainText(`Imported ${rows}`)
}

async function openEditor(page: Page, narrativeId: string): Promise<Locator> {
  await page.goto(`/narratives/${narrativeId}`)
  await waitForEditor(page)
  return page.getByLabel('Narrative text')
}

test('the CMO cites a capability and a metric with # and $; MOps phases the system out and the open chip turns red', async ({
  browser,
}) => {
  const mops = await ownerContext(browser, 'MOps')
  await importCsv(mops.page, 'Systems', 'name,category\nMarketo,Marketing automation\n', '1 row')
  await importCsv(mops.page, 'Capability support', 'system,capability,level\nMarketo,Multi-touch attribution,native\n', '1 row')
  // A metric with this month's target and actual.
  await mops.page.goto('/metrics/new')
  await mops.page.getByLabel('Name').fill('Marketing-sourced pipeline')
  await mops.page.getByLabel('Key').fill('pipeline')
  await mops.page.getByLabel('Unit').selectOption('currency')
  await mops.page.getByLabel('Indicator').selectOption('lagging')
  await mops.page.getByRole('button', { name: 'Create metric' }).click()
  await expect(mops.page).toHaveURL(/\/metrics\/pipeline$/)
  const now = new Date()
  const month = `${MONTHS[now.getUTCMonth()]} ${now.getUTCFullYear()}`
  await mops.page.getByLabel(`Target ${month}`).fill('1,200,000')
  await mops.page.getByLabel(`Actual ${month}`).fill('1,250,000')
  await mops.page.getByRole('button', { name: 'Save targets and actuals' }).click()
  await expect(mops.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible()

  const cmo = await joinThroughInvite(browser, mops.page, 'editor', 'CMO', 'Marketing')
  const noErrors = failOnConsoleErrors(cmo.page)
  const id = await createNarrative(cmo.page, 'FY27 attribution')
  const editor = await openEditor(cmo.page, id)
  await editor.click()
  await cmo.page.keyboard.press('Control+End')
  await cmo.page.keyboard.press('Enter')

  // `#` lists capabilities and systems; arrows move, Escape closes, Enter inserts.
  await cmo.page.keyboard.type('We will prove return with #multi-touch')
  const menu = cmo.page.getByRole('listbox', { name: 'Capabilities and systems' })
  await expect(menu.getByRole('option', { name: /Multi-touch attribution/ })).toBeVisible()
  await cmo.page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await cmo.page.keyboard.type(' ')
  await cmo.page.keyboard.press('Backspace')
  await expect(menu.getByRole('option', { name: /Multi-touch attribution/ })).toBeVisible()
  await expect(menu.getByRole('option').first()).toHaveAttribute('aria-selected', 'true')
  await cmo.page.keyboard.press('Enter')
  const chip = editor.locator('.ref-chip-capability', { hasText: 'Multi-touch attribution' })
  await expect(chip).toBeVisible()
  await expect(chip).toHaveAttribute('data-status', 'pass')
  await expect(chip).toHaveAttribute('title', 'Pass: Marketo supports Multi-touch attribution natively')
  await expect(chip).toHaveAttribute('data-live', 'Pass')

  // `$` lists metrics; the chip shows the value, the target and the health.
  await cmo.page.keyboard.type('and grow $pipe')
  const metrics = cmo.page.getByRole('listbox', { name: 'Metrics' })
  const pipeline = metrics.getByRole('option', { name: /Marketing-sourced pipeline/ })
  await expect(pipeline).toBeVisible()
  await pipeline.click()
  const metricChip = editor.locator('.ref-chip-metric', { hasText: 'Marketing-sourced pipeline' })
  await expect(metricChip).toHaveAttribute('data-status', 'pass')
  await expect(metricChip).toHaveAttribute('data-live', '$1.3M / $1.2M · On track')
  await cmo.page.keyboard.type('this year.')
  await expect(editor).toContainText('Multi-touch attribution and grow Marketing-sourced pipeline this year.')

  // The server derives the requirement from the text: the Feasibility tab lists it.
  await cmo.page.getByRole('tab', { name: 'Feasibility' }).click()
  const requirement = cmo.page.locator('.evidence-item', { hasText: 'Multi-touch attribution' })
  await expect(requirement).toContainText('Pass', { timeout: 15_000 })
  await expect(requirement).toContainText('From the text')
  await expect(requirement).toContainText('Marketo supports Multi-touch attribution natively')
  await cmo.page.screenshot({ path: `${SHOTS}/chips-pass.png` })
  await cmo.page.getByRole('tab', { name: 'Metrics' }).click()
  const cited = cmo.page.locator('.evidence-item', { hasText: 'Marketing-sourced pipeline' })
  await expect(cited).toContainText('$1.3M of $1.2M target', { timeout: 15_000 })
  await expect(cmo.page.getByRole('note').filter({ hasText: 'add a leading indicator' })).toBeVisible()
  await cmo.page.screenshot({ path: `${SHOTS}/chips-metrics.png` })
  await cmo.page.getByRole('tab', { name: 'Feasibility' }).click()
  await cmo.page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true))

  // MOps phases Marketo out (switched off yesterday): the open chip turns red, no reload.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  await mops.page.goto('/stack')
  await mops.page.getByRole('link', { name: 'Marketo' }).click()
  await mops.page.getByRole('button', { name: 'Edit' }).click()
  const edit = mops.page.getByRole('dialog', { name: 'Edit Marketo' })
  await edit.getByLabel('Lifecycle').selectOption('phasing_out')
  await edit.getByLabel('End date').fill(yesterday)
  await edit.getByRole('button', { name: 'Save changes' }).click()
  await expect(edit).toBeHidden()

  await expect(chip).toHaveAttribute('data-status', 'fail')
  await expect(chip).toHaveAttribute('title', new RegExp(`^Fail: Marketo was phased out on ${yesterday}`))
  await expect(requirement).toContainText('Fail')
  expect(await cmo.page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true)
  await chip.hover()
  await cmo.page.screenshot({ path: `${SHOTS}/chips-fail.png` })
  noErrors()
  await cmo.context.close()
  await mops.context.close()
})

test('readers of the text get no typeahead: a commenter typing # sees no menu', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const id = await createNarrative(owner.page, 'Read-only chips')
  const commenter = await joinThroughInvite(browser, owner.page, 'commenter', 'Sales', 'Sales')
  const editor = await openEditor(commenter.page, id)
  await expect(editor).toHaveAttribute('contenteditable', 'false')
  await editor.click()
  await commenter.page.keyboard.type('#lead')
  await expect(commenter.page.getByRole('listbox')).toHaveCount(0)
  await commenter.context.close()
  await owner.context.close()
})
