import type { Page } from '@playwright/test'
import { expect, failOnConsoleErrors, ownerContext, test } from './fixtures.ts'

/**
 * Shared goal metrics end to end: define a metric, record an actual in the grid and find it in
 * the chart and its table; import a CSV that is refused as a whole, then a good one; an actual
 * pushed through the API appears on an open page without a reload.
 */

const SHOTS = 'test/.artifacts'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** This month as the app labels it ("Nov 2026") and keys it ("2026-11"); a new workspace's fiscal year is the calendar year. */
function thisMonth() {
  const now = new Date()
  const m = now.getUTCMonth()
  return { label: `${MONTHS[m]} ${now.getUTCFullYear()}`, key: `${now.getUTCFullYear()}-${String(m + 1).padStart(2, '0')}` }
}

async function defineMetric(page: Page, m: { name: string; key: string; unit: string; aggregation?: string; indicator?: string }) {
  await page.goto('/metrics/new')
  await page.getByLabel('Name').fill(m.name)
  await page.getByLabel('Key').fill(m.key)
  await page.getByLabel('Unit').selectOption(m.unit)
  if (m.aggregation) await page.getByLabel('Over time').selectOption(m.aggregation)
  if (m.indicator) await page.getByLabel('Indicator').selectOption(m.indicator)
  await page.getByLabel('Definition').fill(`${m.name}, as agreed with finance.`)
  await page.getByRole('button', { name: 'Create metric' }).click()
  await expect(page).toHaveURL(new RegExp(`/metrics/${m.key}$`))
  await expect(page.getByRole('heading', { level: 1, name: m.name })).toBeVisible()
}

test('define a metric, enter an actual and see it in the chart and its table', async ({ browser }) => {
  const { context, page } = await ownerContext(browser, 'Finance')
  // The refused grid answers 400, which the browser logs as a failed resource.
  const noErrors = failOnConsoleErrors(page, [/status of 400/])
  await page.goto('/metrics')
  await expect(page.getByRole('heading', { name: 'Agree on the numbers once' })).toBeVisible()
  await page.getByRole('link', { name: 'Define the first metric' }).click()
  await expect(page).toHaveURL(/\/metrics\/new$/)

  // A refused form keeps what was typed and says why.
  await page.getByLabel('Name').fill('Marketing-sourced pipeline')
  await page.getByLabel('Key').fill('Pipeline!')
  await page.getByRole('button', { name: 'Create metric' }).click()
  await expect(page.getByText(/Key: 2–63 lowercase letters/)).toBeVisible()
  await expect(page.getByLabel('Name')).toHaveValue('Marketing-sourced pipeline')

  await defineMetric(page, { name: 'Marketing-sourced pipeline', key: 'pipeline', unit: 'currency', indicator: 'lagging' })
  await expect(page.getByText('Marketing-sourced pipeline, as agreed with finance.')).toBeVisible()

  const month = thisMonth()
  await page.getByLabel(`Target ${month.label}`).fill('1,200,000')
  await page.getByLabel(`Actual ${month.label}`).fill('1,250,000')
  await page.getByRole('button', { name: 'Save targets and actuals' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible()

  // Where it stands, and the chart with a point for the actual.
  // A summary figure, compact like the chips; the exact one on hover (and in the table below).
  await expect(page.getByLabel('Where it stands')).toContainText('$1.3M')
  await expect(page.getByLabel('Where it stands').getByTitle('$1,250,000')).toBeVisible()
  await expect(page.getByLabel('Where it stands')).toContainText('104.1%')
  await expect(page.getByLabel('Where it stands')).toContainText('On track')
  const figure = page.locator('figure.chart-figure')
  await expect(figure).toHaveAttribute('aria-label', new RegExp(`latest \\$1,250,000 in ${month.label} against a target of \\$1,200,000`))
  // One point on the actual line (the lone target is drawn as a hollow point of its own).
  await expect(figure.locator('.recharts-line-dot[fill="#1f3a5f"]')).toHaveCount(1)
  await page.screenshot({ path: `${SHOTS}/metrics-e2e-metric.png`, fullPage: true })

  await page.getByRole('button', { name: 'Table' }).click()
  const row = page.locator('.chart-card').getByRole('row', { name: new RegExp(month.label) })
  await expect(row).toContainText('$1,250,000')
  await expect(row).toContainText('$1,200,000')
  await expect(row).toContainText('104.1%')

  // A value that a currency cannot be is refused in its cell, and nothing of the grid is saved.
  await page.getByLabel(`Actual ${month.label}`).fill('lots')
  await page.getByLabel(`Target ${month.label}`).fill('1,300,000')
  await page.getByRole('button', { name: 'Save targets and actuals' }).click()
  await expect(page.getByText('must be a finite number')).toBeVisible()
  await expect(page.getByText(/nothing was saved/)).toBeVisible()
  await page.reload()
  await expect(page.getByLabel(`Target ${month.label}`)).toHaveValue('1,200,000')

  // The dictionary lists it with its health.
  await page.goto('/metrics')
  const listed = page.getByRole('row', { name: /Marketing-sourced pipeline/ })
  await expect(listed).toContainText('$1.3M')
  await expect(listed).toContainText('On track')
  noErrors()
  await context.close()
})

test('a CSV with one bad row saves nothing and says which line; a good one imports every row', async ({ browser }) => {
  const { context, page } = await ownerContext(browser, 'MOps')
  const noErrors = failOnConsoleErrors(page, [/status of 400/])
  await defineMetric(page, { name: 'MQLs', key: 'mqls', unit: 'count', indicator: 'leading' })
  await defineMetric(page, { name: 'MQL→SQL conversion', key: 'mql_to_sql', unit: 'percent', aggregation: 'average', indicator: 'leading' })

  await page.goto('/metrics/import')
  const bad = [
    'metric,period,value',
    'mqls,2026-09,1100',
    'mqls,2026-10,1180',
    'mql_to_sql,2026-Q5,15',
    'mql_to_sql,2026-10,250',
    'sqls,2026-10,190',
  ].join('\n')
  await page.getByLabel('CSV').fill(bad)
  await page.getByRole('button', { name: 'Check file' }).click()
  const errors = page.locator('.import-errors')
  await expect(errors).toContainText('Nothing has been saved')
  await expect(errors.getByRole('row', { name: /^4 period/ })).toContainText('a quarter is Q1 to Q4')
  await expect(errors.getByRole('row', { name: /^5 value/ })).toContainText('between 0 and 100')
  await expect(errors.getByRole('row', { name: /^6 metric/ })).toContainText('unknown metric key "sqls"')
  await expect(page.getByRole('button', { name: /^Import \d+ rows/ })).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/metrics-import-errors.png`, fullPage: true })

  // Nothing of the refused file reached the metric.
  await page.goto('/metrics/mqls?grid=month&fy=2026')
  await expect(page.getByLabel('Actual Oct 2026')).toHaveValue('')

  await page.goto('/metrics/import')
  const good = [
    'metric,period,value',
    'mqls,2026-09,1100',
    'mqls,2026-10,"1,180"',
    'mql_to_sql,2026-10,15.5',
    'mql_to_sql,2026-Q4,16',
  ].join('\n')
  await page.getByLabel('CSV').fill(good)
  await page.getByRole('button', { name: 'Check file' }).click()
  const preview = page.locator('.import-preview')
  await expect(preview).toContainText('4 rows · 4 new · 0 replace a value · 0 unchanged')
  await expect(preview.getByRole('row', { name: /^3 MQLs/ })).toContainText('1,180')
  await expect(preview.getByRole('row', { name: /^5 MQL→SQL/ })).toContainText('FY26 Q4')
  await page.screenshot({ path: `${SHOTS}/metrics-import-preview.png`, fullPage: true })
  await page.getByRole('button', { name: 'Import 4 rows' }).click()
  await expect(page.getByRole('status')).toContainText('Imported 4 rows for 2 metrics: 4 new, 0 replaced, 0 unchanged')

  await page.goto('/metrics/mqls?grid=month&fy=2026')
  await expect(page.getByLabel('Actual Oct 2026')).toHaveValue('1,180')
  await expect(page.getByLabel('Actual Sep 2026')).toHaveValue('1,100')

  // Importing the same file again changes nothing (idempotent), and the preview says so.
  await page.goto('/metrics/import')
  await page.getByLabel('CSV').fill(good)
  await page.getByRole('button', { name: 'Check file' }).click()
  await expect(preview).toContainText('4 rows · 0 new · 0 replace a value · 4 unchanged')
  noErrors()
  await context.close()
})

test('an actual pushed through the API shows on an open metric page without a reload', async ({ browser }) => {
  const { context, page, account } = await ownerContext(browser, 'CMO')
  await defineMetric(page, { name: 'Win rate', key: 'win_rate', unit: 'percent', aggregation: 'average', indicator: 'lagging' })
  const month = thisMonth()
  await expect(page.getByLabel('Where it stands')).toContainText('No actuals yet')

  const api = await browser.newContext()
  const tokenRes = await api.request.post(new URL('/api/v1/tokens', page.url()).toString(), {
    data: { email: account.email, password: account.password, workspace: account.workspace },
  })
  expect(tokenRes.status()).toBe(201)
  const { token } = (await tokenRes.json()) as { token: string }
  const put = (data: unknown) =>
    api.request.put(new URL('/api/v1/metrics/win_rate/actuals', page.url()).toString(), {
      data,
      headers: { Authorization: `Bearer ${token}` },
    })

  const refused = await put([
    { period: month.key, value: 23.5 },
    { period: '2026-13', value: 20 },
  ])
  expect(refused.status()).toBe(400)
  expect(((await refused.json()) as { rows: { row: number; column: string }[] }).rows).toEqual([
    expect.objectContaining({ row: 2, column: 'period' }),
  ])

  const ok = await put([{ period: month.key, value: 23.5 }])
  expect(await ok.json()).toEqual({ inserted: 1, updated: 0, unchanged: 0 })
  await expect(page.getByLabel('Where it stands')).toContainText('23.5%')
  await expect(page.getByLabel(`Actual ${month.label}`)).toHaveValue('23.5')
  await api.close()
  await context.close()
})
