/**
 * The foundation, end to end in Chromium: sign-up, validation, invites and roles, removal,
 * sign-in/out, cross-workspace refusal, the workspace switcher and API tokens. Every test makes
 * its own accounts and workspaces; people are in separate browser contexts.
 */
import type { Page } from '@playwright/test'
import {
  acceptInviteLink,
  createInviteLink,
  createNarrativeViaApi,
  expect,
  joinThroughInvite,
  newAccount,
  ownerContext,
  signOut,
  signUpThroughForm,
  test,
} from './fixtures.ts'

const ARTIFACTS = 'test/.artifacts'
const SHELL_LINKS = ['Narratives', 'Roadmap', 'Metrics', 'Tech stack', 'Approved', 'Settings']

const nav = (page: Page) => page.getByRole('complementary', { name: 'Main' })
/** Matches an accessible name that starts with `text` (workspace names can prefix one another). */
const startsWith = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
const switcher = (page: Page) => page.getByRole('button', { name: /Switch workspace/ })

test('sign up lands on /home inside the app shell', async ({ page }) => {
  const account = newAccount('Founder')
  await page.goto('/signup')
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}/signup.png`, fullPage: true })

  await signUpThroughForm(page, account)
  await expect(page.getByRole('heading', { name: /Good to see you/ })).toBeVisible()
  for (const name of SHELL_LINKS) await expect(nav(page).getByRole('link', { name, exact: true })).toBeVisible()
  await expect(switcher(page)).toContainText(account.workspace)
  await expect(nav(page)).toContainText(account.email)

  // The links lead somewhere real.
  await nav(page).getByRole('link', { name: 'Narratives', exact: true }).click()
  await expect(page).toHaveURL(/\/narratives$/)
  await expect(page.getByRole('heading', { name: 'Narratives', level: 1 })).toBeVisible()
  await nav(page).getByRole('link', { name: 'Approved', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Approved', level: 1 })).toBeVisible()
})

test('sign-up shows each validation error next to its field and keeps what was typed', async ({ page, browser }) => {
  await page.goto('/signup')
  await page.getByLabel('Name', { exact: true }).fill('   ')
  await page.getByLabel('Email').fill('not-an-email')
  await page.getByLabel('Password').fill('short')
  await page.getByLabel('Workspace name').fill('Globex')
  await page.getByRole('button', { name: 'Create account' }).click()

  await expect(page.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/Name is required/)
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/valid email/)
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/at least 8 characters/)
  await expect(page.getByLabel('Email')).toHaveValue('not-an-email')
  await expect(page.getByLabel('Workspace name')).toHaveValue('Globex')
  await expect(page.getByLabel('Workspace name')).not.toHaveAttribute('aria-invalid', 'true')
  await expect(page).toHaveURL(/\/signup$/)

  // A taken email: the message says so next to Email; nothing else is lost.
  const { context, account: taken } = await ownerContext(browser, 'Taken')
  await context.close()
  await page.getByLabel('Name', { exact: true }).fill('Second Person')
  await page.getByLabel('Email').fill(taken.email)
  await page.getByLabel('Password').fill('a long enough password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/already exists/)
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Second Person')
  await expect(page.getByLabel('Workspace name')).toHaveValue('Globex')
})

test('forms work before (and without) JavaScript: same-origin posts are not mistaken for cross-site ones', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  const account = newAccount('NoJs')
  await page.goto('/signup')
  await page.getByLabel('Name', { exact: true }).fill(account.name)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill('short')
  await page.getByLabel('Workspace name').fill(account.workspace)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/at least 8 characters/)
  await expect(page.getByLabel('Email')).toHaveValue(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/home$/)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await context.close()
})

test('sign out, a wrong password, then sign in again', async ({ browser }) => {
  const { context, page, account } = await ownerContext(browser)
  await signOut(page)
  // Signed out: pages send to sign-in and come back after.
  await page.goto('/narratives')
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fnarratives$/)

  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill('not my password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).first()).toBeVisible()
  await expect(page.getByLabel('Email')).toHaveValue(account.email)

  // The same answer for an unknown email.
  await page.getByLabel('Email').fill(`nobody-${Date.now()}@example.test`)
  await page.getByLabel('Password').fill('not my password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).first()).toBeVisible()

  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/narratives$/)
  await expect(switcher(page)).toContainText(account.workspace)
  await context.close()
})

test('an invited commenter joins, cannot open Settings; the owner changes their role and removes them', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Owner')
  const narrativeId = await createNarrativeViaApi(owner.page, owner.account, 'FY27 pipeline plan')

  const member = await joinThroughInvite(browser, owner.page, 'commenter', 'Member', 'Sales')
  await expect(switcher(member.page)).toContainText(owner.account.workspace)
  await expect(member.page.getByText('Commenter', { exact: false }).first()).toBeVisible()
  // No Settings link, and the page itself refuses.
  await expect(nav(member.page).getByRole('link', { name: 'Narratives', exact: true })).toBeVisible()
  await expect(nav(member.page).getByRole('link', { name: 'Settings' })).toHaveCount(0)
  const settings = await member.page.goto('/settings/members')
  expect(settings?.status()).toBe(403)
  await expect(member.page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
  await expect(member.page.getByText(owner.account.email)).toHaveCount(0)
  // Working material is open to commenters.
  const opened = await member.page.goto(`/narratives/${narrativeId}`)
  expect(opened?.status()).toBe(200)
  await expect(member.page).toHaveTitle(/FY27 pipeline plan/)

  // The owner sees them with their role and function, and makes them a reader.
  await owner.page.goto('/settings/members')
  const row = owner.page.getByRole('row').filter({ hasText: member.account.email })
  await expect(row).toContainText('Sales')
  const roleSelect = owner.page.getByLabel(`Role of ${member.account.name}`)
  await expect(roleSelect).toHaveValue('commenter')
  await Promise.all([
    owner.page.waitForResponse((r) => r.url().includes('/settings/members') && r.request().method() === 'POST' && r.ok()),
    roleSelect.selectOption('reader'),
  ])
  // Takes effect on their next request: readers do not see working material.
  const asReader = await member.page.goto('/narratives')
  expect(asReader?.status()).toBe(403)
  await member.page.goto('/home')
  await expect(nav(member.page).getByRole('link', { name: 'Narratives', exact: true })).toHaveCount(0)
  await expect(nav(member.page).getByRole('link', { name: 'Approved', exact: true })).toBeVisible()

  // Removal: confirm, the row disappears, and the member's session ends at once.
  owner.page.once('dialog', (d) => void d.accept())
  await owner.page.getByRole('button', { name: `Remove ${member.account.name}` }).click()
  await expect(owner.page.getByRole('row').filter({ hasText: member.account.email })).toHaveCount(0)
  await member.page.goto('/home')
  await expect(member.page).toHaveURL(/\/login/)

  await owner.context.close()
  await member.context.close()
})

test('nothing crosses workspaces: a removed member who has their own workspace gets 404 for the old one', async ({ browser }) => {
  const a = await ownerContext(browser, 'Alpha')
  const b = await ownerContext(browser, 'Beta')
  const narrativeId = await createNarrativeViaApi(a.page, a.account, 'Alpha secret plan')

  // B is not a member of A: 404, not 403, and nothing of it shows.
  const before = await b.page.goto(`/narratives/${narrativeId}`)
  expect(before?.status()).toBe(404)
  await expect(b.page.getByRole('heading', { name: 'Not found' })).toBeVisible()
  await expect(b.page.getByText('Alpha secret plan')).toHaveCount(0)

  // B joins A (signed in, through a link), can open it, then is removed.
  const link = await createInviteLink(a.page, 'editor', 'Product', b.account.email)
  await acceptInviteLink(b.page, link)
  await expect(switcher(b.page)).toContainText(a.account.workspace)
  expect((await b.page.goto(`/narratives/${narrativeId}`))?.status()).toBe(200)

  await a.page.goto('/settings/members')
  a.page.once('dialog', (d) => void d.accept())
  await a.page.getByRole('button', { name: `Remove ${b.account.name}` }).click()
  await expect(a.page.getByRole('row').filter({ hasText: b.account.email })).toHaveCount(0)

  // B's session (in A) has ended: sign in again, land in B's own workspace, and A's narrative is not found.
  await b.page.goto(`/narratives/${narrativeId}`)
  await expect(b.page).toHaveURL(/\/login\?redirectTo=/)
  await b.page.getByLabel('Email').fill(b.account.email)
  await b.page.getByLabel('Password').fill(b.account.password)
  await b.page.getByRole('button', { name: 'Sign in' }).click()
  await expect(b.page).toHaveURL(new RegExp(`/narratives/${narrativeId}$`))
  await expect(b.page.getByRole('heading', { name: 'Not found' })).toBeVisible()
  expect((await b.page.goto(`/narratives/${narrativeId}`))?.status()).toBe(404)
  await b.page.goto('/home')
  await switcher(b.page).click()
  await expect(b.page.getByRole('menuitem')).toHaveCount(2) // B's workspace + "New workspace"
  await expect(b.page.getByRole('menu')).not.toContainText(a.account.workspace)

  await a.context.close()
  await b.context.close()
})

test('the workspace switcher lists every workspace of the person and switches', async ({ browser }) => {
  const { context, page, account } = await ownerContext(browser, 'Switcher')
  // A second workspace of their own, from the switcher's "New workspace".
  await switcher(page).click()
  await page.getByRole('menuitem', { name: 'New workspace' }).click()
  await expect(page).toHaveURL(/\/workspaces\/new$/)
  const second = `Second ${account.workspace}`
  await page.getByLabel('Workspace name').fill(second)
  await page.getByRole('button', { name: 'Create workspace' }).click()
  await expect(page).toHaveURL(/\/home$/)
  await expect(switcher(page)).toContainText(second)

  // And a third they were invited to.
  const other = await ownerContext(browser, 'Inviter')
  const link = await createInviteLink(other.page, 'reader', 'Leadership', account.email)
  await acceptInviteLink(page, link)
  await expect(switcher(page)).toContainText(other.account.workspace)

  await switcher(page).click()
  const menu = page.getByRole('menu')
  for (const name of [account.workspace, second, other.account.workspace])
    await expect(menu.getByRole('menuitem', { name: startsWith(name) })).toBeVisible()
  await expect(menu.getByRole('menuitem', { name: startsWith(other.account.workspace) })).toContainText('Reader')
  await menu.getByRole('menuitem', { name: startsWith(account.workspace) }).click()
  await expect(switcher(page)).toContainText(account.workspace)
  await expect(nav(page).getByRole('link', { name: 'Settings' })).toBeVisible()

  // As a reader in the invited workspace, the shell shrinks to what a reader may open.
  await switcher(page).click()
  await page
    .getByRole('menu')
    .getByRole('menuitem', { name: startsWith(other.account.workspace) })
    .click()
  await expect(switcher(page)).toContainText(other.account.workspace)
  await expect(nav(page).getByRole('link', { name: 'Settings' })).toHaveCount(0)
  await expect(nav(page).getByRole('link', { name: 'Narratives', exact: true })).toHaveCount(0)

  await context.close()
  await other.context.close()
})

test('an API token created in Settings works until it is revoked there', async ({ browser, playwright, baseURL }) => {
  const { context, page, account } = await ownerContext(browser, 'Tokens')
  await page.goto('/settings/tokens')
  await expect(page.getByText('No tokens yet.')).toBeVisible()
  await page.getByLabel('Token name').fill('Warehouse sync')
  await page.getByRole('button', { name: 'Create token' }).click()
  const shown = page.getByTestId('new-token')
  await expect(shown).toHaveValue(/^acc_/)
  const token = await shown.inputValue()
  await expect(page.getByRole('row').filter({ hasText: 'Warehouse sync' })).toContainText(token.slice(0, 10))

  // A client without cookies.
  const api = await playwright.request.newContext({ baseURL })
  const me = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
  expect(me.status()).toBe(200)
  expect(await me.json()).toMatchObject({ user: { email: account.email }, workspace: { name: account.workspace }, role: 'owner' })

  await page.getByRole('button', { name: 'Revoke Warehouse sync' }).click()
  await expect(page.getByText('No tokens yet.')).toBeVisible()
  const after = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
  expect(after.status()).toBe(401)
  await api.dispose()
  await context.close()
})

test('screenshots: members settings and the empty narratives page', async ({ browser }) => {
  const owner = await ownerContext(browser, 'Maya')
  await owner.page.setViewportSize({ width: 1280, height: 800 })
  const first = await joinThroughInvite(browser, owner.page, 'editor', 'Claire', 'Marketing')
  const second = await joinThroughInvite(browser, owner.page, 'commenter', 'Sam', 'Sales')
  await createInviteLink(owner.page, 'reader', 'Leadership', `ceo-${Date.now()}@example.test`)
  // The open invite is listed (and can be revoked) until someone uses it.
  const openInvites = owner.page.getByRole('table').filter({ has: owner.page.getByRole('columnheader', { name: 'Expires' }) })
  await expect(openInvites.getByRole('row').filter({ hasText: 'Leadership' })).toHaveCount(1)
  await expect(owner.page.getByRole('row').filter({ hasText: second.account.email })).toBeVisible()
  await owner.page.screenshot({ path: `${ARTIFACTS}/settings-members.png`, fullPage: true })

  await owner.page.goto('/narratives')
  await expect(owner.page.getByRole('heading', { name: 'Write your first strategy narrative' })).toBeVisible()
  await owner.page.screenshot({ path: `${ARTIFACTS}/narratives-empty.png`, fullPage: true })

  // The same page on a phone: the navigation folds away behind a button.
  await owner.page.setViewportSize({ width: 390, height: 800 })
  await owner.page.reload()
  await expect(owner.page.getByRole('button', { name: 'Open navigation' })).toBeVisible()
  // The top bar stays a bar (it once stretched to a fifth of the screen).
  expect((await owner.page.getByRole('banner').boundingBox())?.height).toBeLessThan(80)
  await owner.page.screenshot({ path: `${ARTIFACTS}/narratives-empty-mobile.png`, fullPage: true })
  await owner.page.getByRole('button', { name: 'Open navigation' }).click()
  await expect(nav(owner.page).getByRole('link', { name: 'Narratives', exact: true })).toBeVisible()

  for (const c of [owner.context, first.context, second.context]) await c.close()
})

test('each tab holds one change-feed stream, however many parts of the page listen', async ({ browser }) => {
  // The layout (inbox badge) and the home page (dashboard) both listen; a stream each would use
  // two of the six connections a browser allows per host, and the third tab would stall.
  const owner = await ownerContext(browser, 'Feed')
  const streams: string[] = []
  owner.page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/events') streams.push(request.url())
  })
  await owner.page.goto('/home')
  await expect(owner.page.getByRole('heading', { level: 1 })).toBeVisible()
  await owner.page.reload()
  await expect(owner.page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect.poll(() => streams.length).toBe(2)
  await owner.page.waitForTimeout(500)
  expect(streams).toHaveLength(2) // one per page load, not one per listener
  await owner.context.close()
})

test('an invite is for one address: someone signed in with another is told whom it is for, signs out, and the invitee joins', async ({
  browser,
}) => {
  const owner = await ownerContext(browser, 'Host')
  const other = await ownerContext(browser, 'Bystander')
  const invitee = newAccount('Invitee')
  const link = await createInviteLink(owner.page, 'commenter', 'Sales', invitee.email)

  // Signed in as someone else: the page says whom the invite is for and offers no way to join.
  await other.page.goto(link)
  const alert = other.page.getByTestId('invite-other-address')
  await expect(alert).toContainText(`This invite is for ${invitee.email}`)
  await expect(alert).toContainText(`signed in as ${other.account.email}`)
  await expect(other.page.getByRole('button', { name: /^Join/ })).toHaveCount(0)

  // Signing out from there comes back to the same invite, ready for the invited address.
  await other.page.getByRole('button', { name: 'Sign out and open this invite again' }).click()
  await expect(other.page).toHaveURL(new URL(link).pathname)
  await expect(other.page.getByLabel('Email')).toHaveValue(invitee.email)
  await other.page.getByLabel('Name', { exact: true }).fill(invitee.name)
  await other.page.getByLabel('Password').fill(invitee.password)
  await other.page.getByRole('button', { name: `Join ${owner.account.workspace}` }).click()
  await expect(other.page).toHaveURL(/\/home$/)
  await owner.page.goto('/settings/members')
  await expect(owner.page.getByRole('row').filter({ hasText: invitee.email })).toContainText('Commenter')
  await owner.context.close()
  await other.context.close()
})
