import { test, expect, ownerContext, joinThroughInvite } from './fixtures.ts'
import type { Page } from '@playwright/test'

const csv = (text: string, name = 'stack.csv') => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })

/** The names in the systems table, in order. */
async function systemNames(page: Page) {
  await page.goto('/stack')
  return page.locator('.systems-table tbody tr td:first-child a').allInnerTexts()
}

/** Creates a strategy narrative from the list page (exact roles: the list may be in its empty state). */
async function createNarrative(page: Page, title: string) {
  await page.goto('/narratives')
  await page.getByRole('button', { name: 'New narrative' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'New narrative' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('radio', { name: 'Strategy narrative' }).check()
  await dialog.getByRole('button', { name: 'Create narrative' }).click()
  await expect(page).toHaveURL(/\/narratives\/[0-9a-f-]{36}$/)
  return page.url().split('/').pop()!
}

async function importCsv(page: Page, kind: 'Systems' | 'Capability support' | 'Integrations', file: ReturnType<typeof csv>) {
  await page.goto('/stack/import')
  await page.getByRole('group', { name: 'What to import' }).getByText(kind, { exact: true }).click()
  await page.getByLabel('CSV file').setInputFiles(file)
}

test('MOps records a system, a CSV with errors is refused row by row and saves nothing, a good one imports', async ({ browser }) => {
  const { page, context } = await ownerContext(browser, 'MOps')

  await page.goto('/stack')
  await expect(page.getByRole('heading', { name: 'Record the systems your plans rely on' })).toBeVisible()
  await page.getByRole('button', { name: 'Add the first system' }).click()
  const dialog = page.getByRole('dialog', { name: 'New system' })
  await dialog.getByLabel('Name').fill('Salesforce')
  await dialog.getByLabel('Category').selectOption({ label: 'CRM' })
  await dialog.getByLabel('Annual cost (USD)').fill('120,000')
  await dialog.getByRole('button', { name: 'Add system' }).click()
  await expect(page).toHaveURL(/\/stack\/systems\/[0-9a-f-]{36}$/)
  await expect(page.getByRole('heading', { name: 'Salesforce', level: 2 })).toBeVisible()
  await expect(page.getByText('$120,000')).toBeVisible()

  // A file with three bad rows among good ones: the report names line, column and reason.
  await importCsv(
    page,
    'Systems',
    csv(
      [
        'name,category,lifecycle,end_date,annual_cost',
        'Marketo,Marketing automation,active,,96000',
        'HubSpot,Marketing automation,phasing out,,72000',
        'Snowflake,warehouse,active,,',
        '6sense,ABM,active,,lots',
      ].join('\n'),
      'bad.csv',
    ),
  )
  const report = page.getByRole('alert', { name: 'Problems in the file' })
  await expect(report.getByText('Nothing was imported.')).toBeVisible()
  await expect(report.getByText('3 problems in bad.csv (4 rows)')).toBeVisible()
  const rows = report.locator('tbody tr')
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(0)).toContainText('3end_dateA system phasing out needs the date it is switched off')
  await expect(rows.nth(1)).toContainText('4category')
  await expect(rows.nth(2)).toContainText('5annual_costEnter an amount')
  await expect(page.getByRole('button', { name: /^Import \d+ rows?$/ })).toHaveCount(0)
  expect(await systemNames(page)).toEqual(['Salesforce'])

  // A good file: preview first, nothing saved until the import.
  await importCsv(
    page,
    'Systems',
    csv(
      'name,category,lifecycle,end_date\nMarketo,Marketing automation,Phasing out,2027-03-31\nSnowflake,Data warehouse,active,\n',
      'good.csv',
    ),
  )
  await expect(page.getByText('All 2 rows are valid.')).toBeVisible()
  await expect(page.locator('.import-preview tbody tr')).toHaveCount(2)
  expect(await systemNames(page)).toEqual(['Salesforce'])
  await importCsv(
    page,
    'Systems',
    csv(
      'name,category,lifecycle,end_date\nMarketo,Marketing automation,Phasing out,2027-03-31\nSnowflake,Data warehouse,active,\n',
      'good.csv',
    ),
  )
  await page.getByRole('button', { name: 'Import 2 rows' }).click()
  await expect(page.getByRole('status')).toContainText('Imported 2 rows (2 new, 0 updated)')
  expect(await systemNames(page)).toEqual(['Marketo', 'Salesforce', 'Snowflake'])
  await expect(page.locator('.systems-table tbody tr', { hasText: 'Marketo' })).toContainText('Phasing out · Mar 31, 2027')

  // Export gives the same columns back.
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Export CSV' }).click()
  const file = await (await download).path()
  const { readFileSync } = await import('node:fs')
  expect(readFileSync(file, 'utf8').split('\r\n')[0]).toBe(
    'name,category,vendor,owner_email,lifecycle,end_date,renewal_date,annual_cost,seats_paid,seats_used,notes',
  )
  await context.close()
})

test('MOps marks a system phasing out and the CMO’s open feasibility page turns the requirement red without a reload', async ({
  browser,
}) => {
  const mops = await ownerContext(browser, 'MOps')
  await importCsv(mops.page, 'Systems', csv('name,category\nMarketo,Marketing automation\nSalesforce,CRM\n'))
  await mops.page.getByRole('button', { name: 'Import 2 rows' }).click()
  await expect(mops.page.getByRole('status')).toContainText('Imported 2 rows')
  await importCsv(mops.page, 'Capability support', csv('system,capability,level\nMarketo,Lead scoring,native\n'))
  await mops.page.getByRole('button', { name: 'Import 1 row' }).click()
  await expect(mops.page.getByRole('status')).toContainText('Imported 1 row (')

  const cmo = await joinThroughInvite(browser, mops.page, 'editor', 'CMO', 'Marketing')
  const id = await createNarrative(cmo.page, 'FY27 ABM expansion')
  await cmo.page.goto(`/narratives/${id}/feasibility`)
  await expect(cmo.page.getByRole('heading', { name: 'State what this plan needs from the stack' })).toBeVisible()
  await cmo.page.getByRole('combobox', { name: 'Capability' }).fill('Lead scoring')
  await cmo.page.getByLabel('Needed by').fill('2027-06-30')
  await cmo.page.getByRole('button', { name: 'Add and check' }).click()
  const requirement = cmo.page.getByTestId('requirement').filter({ hasText: 'Lead scoring' })
  await expect(requirement).toContainText('Pass')
  await expect(requirement).toContainText('Marketo supports Lead scoring natively')
  await expect(cmo.page.getByTestId('overall')).toHaveText('Pass')
  // Marks the page so a reload would be noticed.
  await cmo.page.evaluate(() => ((window as unknown as { __stillHere: boolean }).__stillHere = true))

  await mops.page.goto('/stack')
  await mops.page.getByRole('link', { name: 'Marketo' }).click()
  await expect(mops.page.getByText('What depends on this')).toBeVisible()
  await expect(mops.page.locator('.dep-list')).toContainText('FY27 ABM expansion')
  await mops.page.getByRole('button', { name: 'Edit' }).click()
  const edit = mops.page.getByRole('dialog', { name: 'Edit Marketo' })
  await edit.getByLabel('Lifecycle').selectOption('phasing_out')
  await edit.getByRole('button', { name: 'Save changes' }).click()
  // The end date is required when phasing out: the refusal keeps the form open with the reason.
  await expect(edit.getByText('A system phasing out needs the date it is switched off')).toBeVisible()
  await edit.getByLabel('End date').fill('2027-03-31')
  // Before saving, the dialog says what the change would break.
  await expect(edit.getByRole('status')).toContainText('Saving this makes 1 requirement worse')
  await expect(edit.getByRole('status')).toContainText(
    '“FY27 ABM expansion”: pass → fail, Marketo is phasing out on 2027-03-31, before this is needed (2027-06-30)',
  )
  await edit.getByRole('button', { name: 'Save changes' }).click()
  await expect(edit).toBeHidden()
  await expect(mops.page.locator('.system-header')).toContainText('Phasing out · Mar 31, 2027')

  await expect(requirement).toContainText('Fail')
  await expect(requirement).toContainText('Marketo is phasing out on 2027-03-31, before this is needed (2027-06-30)')
  await expect(requirement.locator('.chip.fail')).toBeVisible()
  await expect(cmo.page.getByTestId('overall')).toHaveText('Fail')
  expect(await cmo.page.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true)

  // MOps' page lists the narrative as failing now.
  await mops.page.reload()
  await expect(mops.page.locator('.dep-list li', { hasText: 'FY27 ABM expansion' })).toContainText('Fail')
  await mops.context.close()
  await cmo.context.close()
})

test('commenters read the stack without editing it; readers are refused', async ({ browser }) => {
  const mops = await ownerContext(browser, 'MOps')
  await importCsv(mops.page, 'Systems', csv('name,category\nSalesforce,CRM\n'))
  await mops.page.getByRole('button', { name: 'Import 1 row' }).click()
  await expect(mops.page.getByRole('status')).toContainText('Imported 1 row (')
  const sales = await joinThroughInvite(browser, mops.page, 'commenter', 'Sales')
  await sales.page.goto('/stack')
  await expect(sales.page.getByRole('link', { name: 'Salesforce' })).toBeVisible()
  await expect(sales.page.getByRole('button', { name: 'New system' })).toHaveCount(0)
  await expect(sales.page.getByRole('link', { name: 'Import CSV' })).toHaveCount(0)
  const denied = await sales.page.goto('/stack/import')
  expect(denied?.status()).toBe(403)
  const ceo = await joinThroughInvite(browser, mops.page, 'reader', 'CEO', 'Leadership')
  const res = await ceo.page.goto('/stack')
  expect(res?.status()).toBe(403)
  for (const c of [mops, sales, ceo]) await c.context.close()
})

test('the stack map draws systems by category, filters them, and a click opens the system', async ({ browser }) => {
  const { page, context } = await ownerContext(browser, 'MOps')
  await importCsv(
    page,
    'Systems',
    csv(
      'name,category,lifecycle,end_date\nSalesforce,CRM,active,\nMarketo,Marketing automation,phasing out,2027-03-31\nSnowflake,Data warehouse,active,\n',
    ),
  )
  await page.getByRole('button', { name: 'Import 3 rows' }).click()
  await expect(page.getByRole('status')).toContainText('Imported 3 rows')
  await importCsv(
    page,
    'Integrations',
    csv('from,to,objects,status\nSalesforce,Marketo,leads,active\nMarketo,Snowflake,activities,broken\n'),
  )
  await page.getByRole('button', { name: 'Import 2 rows' }).click()
  await expect(page.getByRole('status')).toContainText('Imported 2 rows')

  await page.goto('/stack/map')
  const map = page.getByRole('group', { name: /^Stack map: 3 systems, 2 integrations$/ })
  await expect(map).toBeVisible()
  await expect(map.getByRole('link', { name: 'Marketo: Phasing out' })).toBeVisible()
  await expect(map.locator('path.map-edge.edge-broken')).toHaveCount(1)
  await page.getByRole('button', { name: /^Data warehouse/ }).click()
  await expect(page.getByRole('group', { name: /^Stack map: 2 systems, 1 integration$/ })).toBeVisible()
  await page.getByRole('button', { name: 'Show all' }).click()
  await page
    .getByRole('group', { name: /^Stack map: 3 systems/ })
    .getByRole('link', { name: 'Snowflake: Active' })
    .click()
  await expect(page).toHaveURL(/\/stack\/systems\/[0-9a-f-]{36}$/)
  await expect(page.getByRole('heading', { name: 'Snowflake', level: 2 })).toBeVisible()
  await context.close()
})
