import type { Browser } from '@playwright/test'
import { expect, signInThroughForm, test } from './fixtures.ts'

/**
 * Review notes on the demo workspace: finance writes the note on revenue's line of the monthly
 * review, the CMO the review's overall note; the CEO (a reader) reads both. Then screenshots of
 * the metrics pages as MOps sees them.
 */

const SHOTS = 'test/.artifacts'

async function signedIn(browser: Browser, email: string) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined))
  page.on('pageerror', (e) => errors.push(e.message))
  await signInThroughForm(page, { email, password: 'accord-demo' })
  await expect(page).toHaveURL(/\/home$/)
  return { context, page, noErrors: () => expect(errors, 'console errors').toEqual([]) }
}

test('finance notes revenue on the monthly review, the CMO notes the review; the CEO reads both', async ({ browser }) => {
  const finance = await signedIn(browser, 'finance@acme.test')
  await finance.page.goto('/reviews?cadence=month&period=2026-10')
  await expect(finance.page.getByRole('heading', { name: 'Oct 2026' })).toBeVisible()
  // Finance may not write the overall note, only its own metrics' lines.
  await expect(finance.page.locator('summary', { hasText: 'Write the note' })).toHaveCount(0)
  const revenue = finance.page.getByRole('row').filter({ has: finance.page.getByRole('link', { name: 'Revenue', exact: true }) })
  await revenue.locator('summary', { hasText: 'Add a note' }).click()
  await revenue.getByLabel('Note on Revenue').fill('October includes the Globex true-up of $120K.')
  await revenue.getByRole('button', { name: 'Save note' }).click()
  await expect(revenue.locator('.review-note')).toContainText('October includes the Globex true-up of $120K.')
  await expect(
    finance.page
      .getByRole('row')
      .filter({ has: finance.page.getByRole('link', { name: 'MQLs', exact: true }) })
      .locator('summary', { hasText: 'Add a note' }),
  ).toHaveCount(0)
  finance.noErrors()

  const cmo = await signedIn(browser, 'cmo@acme.test')
  await cmo.page.goto('/reviews?cadence=month&period=2026-10')
  await cmo.page.locator('summary', { hasText: 'Write the note' }).click()
  await cmo.page.getByLabel('Note on Oct 2026').fill('Conversion held at 16%; the budget shift pays back from November.')
  await cmo.page.getByRole('button', { name: 'Save note' }).first().click()
  const overall = cmo.page.getByRole('region', { name: 'Notes on Oct 2026' })
  await expect(overall).toContainText('Conversion held at 16%')
  cmo.noErrors()

  const ceo = await signedIn(browser, 'ceo@acme.test')
  await ceo.page.goto('/reviews?cadence=month&period=2026-10')
  await expect(ceo.page.getByRole('region', { name: 'Notes on Oct 2026' })).toContainText('Conversion held at 16%')
  await expect(ceo.page.locator('.review-note', { hasText: 'Globex true-up' })).toBeVisible()
  await expect(ceo.page.locator('summary', { hasText: 'Add a note' })).toHaveCount(0)
  await ceo.page.emulateMedia({ media: 'print' })
  await ceo.page.screenshot({ path: `${SHOTS}/review-print.png`, fullPage: true })
  ceo.noErrors()
  await Promise.all([finance.context.close(), cmo.context.close(), ceo.context.close()])
})

test('the metrics pages as MOps sees them (screenshots), the funnel with leads accepted and rejected', async ({ browser }) => {
  const mops = await signedIn(browser, 'mops@acme.test')
  await mops.page.goto('/metrics')
  await expect(mops.page.getByRole('heading', { name: 'Metrics', exact: true })).toBeVisible()
  await mops.page.screenshot({ path: `${SHOTS}/metrics-index.png`, fullPage: true })
  await mops.page.goto('/metrics/pipeline')
  await mops.page.screenshot({ path: `${SHOTS}/metrics-pipeline.png`, fullPage: true })
  await mops.page.goto('/metrics/funnel')
  const leads = mops.page.getByRole('region', { name: 'Leads accepted and rejected' })
  await expect(leads).toContainText('Accepted')
  await expect(leads).toContainText('Rejected')
  await mops.page.screenshot({ path: `${SHOTS}/metrics-funnel.png`, fullPage: true })
  await mops.page.goto('/reviews?cadence=quarter')
  await mops.page.screenshot({ path: `${SHOTS}/reviews-quarter.png`, fullPage: true })
  await mops.page.goto('/home')
  await mops.page.screenshot({ path: `${SHOTS}/home.png`, fullPage: true })
  const strategy = await mops.page.request.get('/narratives')
  expect(strategy.ok()).toBe(true)
  mops.noErrors()
  await mops.context.close()
})
