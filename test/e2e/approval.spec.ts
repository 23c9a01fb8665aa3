import type { Page } from '@playwright/test'
import { demoAuth, demoMember, expect, test, waitForEditor } from './fixtures.ts'

/**
 * Review and approval in the demo workspace: the CMO sends a narrative to review, MOps assesses
 * its failing requirement and approves, the CMO approves; the CEO (a reader) opens the Approved
 * library and reads it, acknowledges; after a changed sentence is approved again, the CEO sees the
 * new-version notice with the sentence highlighted in the diff.
 */

const SHOTS = 'test/.artifacts'

async function openVersions(page: Page, narrativeId: string) {
  await page.goto(`/narratives/${narrativeId}`)
  await waitForEditor(page)
  await page.getByRole('tab', { name: 'Versions' }).click()
  await expect(page.getByRole('region', { name: 'Review and versions' })).toBeVisible()
}

async function approve(page: Page, narrativeId: string, note: string) {
  await openVersions(page, narrativeId)
  const button = page.getByRole('button', { name: /^Approve v\d+/ })
  await expect(button).toBeEnabled()
  await page.getByLabel('Note (optional)').fill(note)
  await button.click()
}

test('send to review, MOps assesses and approves, the CMO approves, the CEO reads and sees what changed after a later approval', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const cmo = await demoMember(browser, 'cmo@acme.test')
  const mops = await demoMember(browser, 'mops@acme.test')
  const ceo = await demoMember(browser, 'ceo@acme.test')

  // The CMO's narrative, with a requirement the stack cannot meet and a metric commitment (API).
  const auth = await demoAuth(cmo.page, 'cmo@acme.test')
  const title = `E2E plan ${Date.now()}`
  const created = await cmo.page.request.post('/api/v1/narratives', { data: { title, template: 'blank' }, headers: auth })
  expect(created.status()).toBe(201)
  const id = ((await created.json()) as { id: string }).id
  expect(
    (
      await cmo.page.request.post(`/api/v1/narratives/${id}/requirements`, {
        data: { kind: 'capability', capability: 'Quantum attribution' },
        headers: auth,
      })
    ).status(),
  ).toBe(201)
  expect(
    (
      await cmo.page.request.post(`/api/v1/narratives/${id}/commitments`, {
        data: { metricKey: 'pipeline', baseline: 4000000, target: 4600000, granularity: 'quarter', dueOn: '2027-03-31' },
        headers: auth,
      })
    ).status(),
  ).toBe(201)

  // The CMO writes a sentence, then sends the narrative to the CMO and MOps (the defaults).
  await cmo.page.goto(`/narratives/${id}`)
  const text = cmo.page.getByLabel('Narrative text')
  await waitForEditor(cmo.page)
  await text.click()
  await cmo.page.keyboard.type('Pipeline grows by six percent a quarter.')
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  await cmo.page.getByRole('tab', { name: 'Versions' }).click()
  const picker = cmo.page.getByRole('group', { name: 'Approvers' })
  await expect(picker.getByLabel(/Claire Morgan/)).toBeChecked()
  await expect(picker.getByLabel(/Maya Okafor/)).toBeChecked()
  // Without the MOps lead the approval policy is not met: the dialog says why (the server refuses it too).
  await picker.getByLabel(/Maya Okafor/).uncheck()
  await expect(cmo.page.getByRole('button', { name: 'Send to review' })).toBeDisabled()
  await expect(cmo.page.getByText(/Send to review is disabled: Name at least 2 approvers.*Marketing Ops lead.*Maya Okafor/)).toBeVisible()
  await picker.getByLabel(/Maya Okafor/).check()
  await cmo.page.getByLabel('Due date').fill('2027-01-15')
  await cmo.page.getByRole('button', { name: 'Send to review' }).click()
  await expect(cmo.page.getByRole('list', { name: 'Approvers' })).toContainText('Pending')
  // The gate holds Approve back until MOps has assessed the failing requirement.
  await expect(cmo.page.getByRole('button', { name: /^Approve v\d+/ })).toBeDisabled()
  await expect(cmo.page.getByText(/Approve is disabled: 1 failing or unknown requirement without an MOps assessment/)).toBeVisible()
  await cmo.page.screenshot({ path: `${SHOTS}/approval-gate.png` })

  // MOps assesses the requirement on the feasibility page, then approves.
  await mops.page.goto(`/narratives/${id}/feasibility`)
  await mops.page.getByRole('button', { name: 'Assess' }).click()
  await mops.page.getByRole('dialog').getByText('Accept risk').click()
  await mops.page.getByRole('dialog').getByLabel('Note').fill('We build it in Q2.')
  await mops.page.getByRole('button', { name: 'Save assessment' }).click()
  await expect(mops.page.getByRole('button', { name: 'Reassess' })).toBeVisible()
  await approve(mops.page, id, 'Feasible with the Q2 work.')
  await expect(mops.page.getByRole('list', { name: 'Approvers' })).toContainText('Approved')

  // The CMO's panel updates live; the CMO approves too: the version is frozen and published.
  await expect(cmo.page.getByRole('button', { name: /^Approve v\d+/ })).toBeEnabled()
  await cmo.page.getByRole('button', { name: /^Approve v\d+/ }).click()
  await expect(cmo.page.getByText(/is what leadership reads/)).toBeVisible()

  // The CEO opens the library, reads the approved text with its evidence, and acknowledges.
  await ceo.page.goto('/approved')
  await ceo.page.getByRole('link', { name: title }).click()
  await expect(ceo.page).toHaveURL(new RegExp(`/read/${id}$`))
  await expect(ceo.page.getByLabel('Approval', { exact: true })).toContainText('Approved')
  await expect(ceo.page.locator('.reading-doc')).toContainText('Pipeline grows by six percent a quarter.')
  await expect(ceo.page.locator('.reading-aside').getByRole('region', { name: 'Feasibility as approved' })).toContainText(
    'Quantum attribution',
  )
  await expect(ceo.page.locator('.reading-aside').getByRole('region', { name: 'Metrics: approved versus now' })).toContainText(
    'Marketing-sourced pipeline',
  )
  await ceo.page.getByRole('button', { name: 'Acknowledge' }).click()
  await expect(ceo.page.getByText(/You acknowledged v\d+/)).toBeVisible()
  await ceo.page.screenshot({ path: `${SHOTS}/approval-reading-view.png`, fullPage: true })

  // The CMO changes the sentence (a draft revision) and sends it to review again; both approve.
  await cmo.page.goto(`/narratives/${id}`)
  await waitForEditor(cmo.page)
  await text.click()
  await cmo.page.keyboard.press('End')
  await cmo.page.keyboard.type(' EMEA follows in Q3.')
  await expect(cmo.page.getByText('All changes saved')).toBeVisible()
  await cmo.page.getByRole('tab', { name: 'Versions' }).click()
  await expect(cmo.page.getByRole('button', { name: 'Send to review' })).toBeVisible()
  await cmo.page.getByRole('button', { name: 'Send to review' }).click()
  await expect(cmo.page.getByRole('list', { name: 'Approvers' })).toContainText('Pending')
  await approve(mops.page, id, '')
  await expect(cmo.page.getByRole('button', { name: /^Approve v\d+/ })).toBeEnabled()
  await cmo.page.getByRole('button', { name: /^Approve v\d+/ }).click()
  await expect(cmo.page.getByRole('list', { name: 'Versions' }).locator('.kind-approved')).toHaveCount(2)

  // The CEO sees that a newer version was approved, with the changed sentence highlighted.
  await ceo.page.reload()
  const notice = ceo.page.getByRole('region', { name: 'What changed since you last read' })
  await expect(notice).toBeVisible()
  await expect(notice.locator('ins')).toContainText('EMEA follows in Q3.')
  await ceo.page.screenshot({ path: `${SHOTS}/approval-new-version.png`, fullPage: true })

  // The diff between the two approved versions in the owner's version history shows the sentence too.
  const versions = (await (await cmo.page.request.get(`/api/v1/narratives/${id}/versions`, { headers: auth })).json()) as {
    data: { id: string; kind: string }[]
  }
  const [newer, older] = versions.data.filter((v) => v.kind === 'approved')
  await cmo.page.goto(`/narratives/${id}/versions?from=${older!.id}&to=${newer!.id}`)
  await expect(cmo.page.getByLabel('Differences').locator('ins')).toContainText('EMEA follows in Q3.')

  // Readers cannot write anything but acknowledgements.
  const ceoAuth = await demoAuth(ceo.page, 'ceo@acme.test')
  const refused = await ceo.page.request.post(`/api/v1/narratives/${id}/reviews`, { data: { approverIds: [] }, headers: ceoAuth })
  expect(refused.status()).toBe(403)

  await Promise.all([cmo.context.close(), mops.context.close(), ceo.context.close()])
})
