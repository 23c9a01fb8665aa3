import { expect, test } from './fixtures.ts'

/** The API reference renders on the server (no JavaScript) from the same document /api/v1/openapi.json serves. */
test('the API reference lists every operation of the OpenAPI document, without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  const res = await page.request.get('/api/v1/openapi.json')
  expect(res.status()).toBe(200)
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
  expect(doc.openapi).toBe('3.1.0')
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0)

  await page.goto('/api/docs')
  await expect(page.getByRole('heading', { level: 1, name: 'Accord API' })).toBeVisible()
  await expect(page.locator('article.api-op')).toHaveCount(operations)
  await page
    .getByRole('navigation', { name: 'API sections' })
    .getByRole('link', { name: /GET \/search/ })
    .click()
  await expect(page).toHaveURL(/#getSearch$/)
  const search = page.locator('#getSearch')
  await expect(search.getByRole('heading', { name: /GET \/api\/v1\/search/ })).toBeVisible()
  await expect(search.getByRole('cell', { name: /^q\s*required$/ })).toBeVisible()
  await page.screenshot({ path: 'test/.artifacts/api-docs.png' })
  await context.close()
})
