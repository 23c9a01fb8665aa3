import { expect, ownerContext, test } from './fixtures.ts'

/** Token scopes and the audit log, through the Settings pages. */
test('a read-only token from Settings reads but cannot write; its uses and the events show in Settings', async ({
  browser,
  playwright,
  baseURL,
}) => {
  const { context, page } = await ownerContext(browser, 'Auditor')
  await page.goto('/settings/tokens')
  await page.getByLabel('Token name').fill('Dashboards')
  await expect(page.getByLabel('Access')).toHaveValue('read')
  await page.getByRole('button', { name: 'Create token' }).click()
  const token = await page.getByTestId('new-token').inputValue()

  const api = await playwright.request.newContext({ baseURL })
  const headers = { Authorization: `Bearer ${token}` }
  expect((await api.get('/api/v1/narratives', { headers })).status()).toBe(200)
  expect((await api.get('/api/v1/me', { headers })).status()).toBe(200)
  const write = await api.post('/api/v1/narratives', { headers, data: { title: 'Nope', template: 'blank' } })
  expect(write.status()).toBe(403)
  expect((await write.json()) as { detail: string }).toMatchObject({ detail: expect.stringContaining('read-only') })
  await api.dispose()

  await page.reload()
  const row = page.getByRole('row').filter({ hasText: 'Dashboards' })
  await expect(row).toContainText('Read only')
  await expect(row.getByRole('cell').nth(5)).toHaveText('2')
  await page.screenshot({ path: 'test/.artifacts/settings-tokens.png', fullPage: true })

  await page.getByRole('link', { name: 'Audit log' }).click()
  await expect(page).toHaveURL(/\/settings\/audit$/)
  const events = page.getByRole('table', { name: 'Audit events' })
  await expect(events.getByRole('row').filter({ hasText: 'Used an API token' })).toContainText('GET /api/v1/narratives')
  await expect(events.getByRole('row').filter({ hasText: 'Created an API token' })).toContainText('Dashboards')
  await page.screenshot({ path: 'test/.artifacts/settings-audit.png', fullPage: true })
  await page.getByLabel('Event type').selectOption('token.created')
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(events.getByRole('row')).toHaveCount(2)
  await context.close()
})
