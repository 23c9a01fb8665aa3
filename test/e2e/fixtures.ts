import { randomBytes } from 'node:crypto'
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test'

export { expect }

export interface Account {
  name: string
  email: string
  password: string
  workspace: string
}

/** A unique account description (fresh workspace per test: no shared state between tests). */
export function newAccount(label = 'Owner'): Account {
  const id = randomBytes(4).toString('hex')
  return {
    name: `${label} ${id}`,
    email: `${label.toLowerCase().replace(/\W+/g, '')}-${id}@example.test`,
    password: 'correct horse battery',
    workspace: `Workspace ${id}`,
  }
}

/** Signs up through the real form in `page`. */
export async function signUpThroughForm(page: Page, account: Account) {
  await page.goto('/signup')
  await page.getByLabel('Name', { exact: true }).fill(account.name)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByLabel('Workspace name').fill(account.workspace)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/home$/)
}

/** A new browser context signed in as a new owner of a new workspace (through the HTTP form). */
export async function ownerContext(browser: Browser, label = 'Owner') {
  const account = newAccount(label)
  const context = await browser.newContext()
  const page = await context.newPage()
  await signUpThroughForm(page, account)
  return { context, page, account }
}

/** The owner (signed in on `ownerPage`) creates an invite link for `email` with a role and function. */
export async function createInviteLink(ownerPage: Page, role: 'owner' | 'editor' | 'commenter' | 'reader', fn: string, email: string) {
  await ownerPage.goto('/settings/members')
  await ownerPage.getByLabel('Email', { exact: true }).fill(email)
  await ownerPage.getByLabel('Role', { exact: true }).selectOption(role)
  await ownerPage.getByLabel('Function', { exact: true }).selectOption({ label: fn })
  await ownerPage.getByRole('button', { name: 'Create invite link' }).click()
  const link = ownerPage.getByTestId('invite-link')
  await expect(link).toBeVisible()
  return (await link.inputValue()).trim()
}

/** A second person joins the owner's workspace through an invite link, in their own context. */
export async function joinThroughInvite(
  browser: Browser,
  ownerPage: Page,
  role: 'owner' | 'editor' | 'commenter' | 'reader',
  label = 'Member',
  fn = 'Sales',
) {
  const account = newAccount(label)
  const link = await createInviteLink(ownerPage, role, fn, account.email)
  const context: BrowserContext = await browser.newContext()
  const page = await context.newPage()
  await page.goto(link)
  await page.getByLabel('Name', { exact: true }).fill(account.name)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: /Join/ }).click()
  await expect(page).toHaveURL(/\/home$/)
  return { context, page, account }
}

/** Creates a narrative from the list page and returns its id (the page is left on it). */
export async function createNarrative(page: Page, title: string, template = 'Strategy narrative') {
  await page.goto('/narratives')
  await page.getByRole('button', { name: 'New narrative' }).first().click()
  await page.getByLabel('Title').fill(title)
  await page.getByRole('radio', { name: template }).check()
  await page.getByRole('button', { name: 'Create narrative' }).click()
  await expect(page).toHaveURL(/\/narratives\/[0-9a-f-]{36}$/)
  return page.url().split('/').pop()!
}

export const test = base

/** Signs in through the real form (the page ends wherever the app sends it). */
export async function signInThroughForm(page: Page, account: Pick<Account, 'email' | 'password'>, path = '/login') {
  await page.goto(path)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Signs out with the button in the shell and waits for the sign-in page. */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login$/)
}

/** A person who is already signed in (in `page`) joins another workspace through an invite link. */
export async function acceptInviteLink(page: Page, link: string) {
  await page.goto(link)
  await expect(page.getByText(/You are signed in as/)).toBeVisible()
  await page.getByRole('button', { name: /^Join / }).click()
  await expect(page).toHaveURL(/\/home$/)
}

/** Creates a narrative through the REST API as `account` (no UI involved) and returns its id. */
export async function createNarrativeViaApi(
  page: Page,
  account: Pick<Account, 'email' | 'password' | 'workspace'>,
  title: string,
  template = 'strategy',
) {
  const tokenRes = await page.request.post('/api/v1/tokens', {
    data: { email: account.email, password: account.password, workspace: account.workspace },
  })
  expect(tokenRes.status()).toBe(201)
  const { token } = (await tokenRes.json()) as { token: string }
  const res = await page.request.post('/api/v1/narratives', { data: { title, template }, headers: { Authorization: `Bearer ${token}` } })
  expect(res.status()).toBe(201)
  return ((await res.json()) as { id: string }).id
}

/**
 * Waits until the narrative editor has had its first sync with the server. Generous: the editor's
 * bundle is parsed and the socket opened only after the page is interactive, which on a busy
 * two-core CI machine (server, database and two browsers) has taken over 10 s.
 */
export async function waitForEditor(page: Page) {
  await expect(page.locator('.editor-surface[data-synced]')).toBeVisible({ timeout: 30_000 })
}

/** The demo workspace's password (server/seed.ts, DEMO_PASSWORD default). */
export const DEMO_PASSWORD = 'accord-demo'

/** A demo member (cmo@acme.test, mops@…, finance@…, sales@…, ceo@…) signed in in a fresh context. */
export async function demoMember(browser: Browser, email: string, options: { viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await signInThroughForm(page, { email, password: DEMO_PASSWORD })
  await expect(page).toHaveURL(/\/home$/)
  return { context, page }
}

/** A write API token of a demo member, as the Authorization header. */
export async function demoAuth(page: Page, email: string) {
  const res = await page.request.post('/api/v1/tokens', { data: { email, password: DEMO_PASSWORD, workspace: 'Acme' } })
  expect(res.status()).toBe(201)
  return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` }
}

/** Collects console errors and page errors (except `allowed`); call the result to assert none came. */
export function failOnConsoleErrors(page: Page, allowed: RegExp[] = []) {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed.some((re) => re.test(message.text()))) errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  return () => expect(errors, 'console errors').toEqual([])
}
