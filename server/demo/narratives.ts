/** The demo workspace's narratives, as Markdown turned into the same Yjs documents the editor writes. */

import { insertNarrative, touchNarrative, updateNarrativeStatus } from '#db/queries/narratives.ts'
import { buildMarkdownUpdate, seedNarrativeContent } from '#app/document/content.ts'
import type { DemoExtender } from '#server/seed.ts'

export const FY27_STRATEGY = `## Summary

We will move Acme's mid-market motion from lead volume to account-based pipeline. By the end of FY27 Q2, marketing-sourced pipeline grows from $4.0M to $4.6M a quarter while MQL volume stays flat, because we stop paying for leads sales rejects and start engaging the 600 accounts that look like our best customers.

## Background

Last year marketing hit its MQL target in three of four quarters, and sales missed its number in two. Sales accepted 41% of the leads we sent; finance could not tie our spend to closed revenue. The blame game cost us a year.

Marketing Ops reviewed the funnel with sales in October. The pattern is clear: leads from content syndication convert to opportunities at 0.8%, leads from accounts already in an active sales cycle at 9%.

## Business justification

- Every point of MQL→SQL conversion is worth about $310K of pipeline a quarter at today's volume.
- Moving $180K of the content-syndication budget to account-based advertising pays for itself if it lifts conversion by 1.5 points.
- One shared revenue goal ends the argument about whose numbers are right.

## Goals and metrics

- **Pipeline** (lagging): from $4.0M to $4.6M per quarter by 2027-03-31.
- **MQL→SQL conversion** (leading): from 14% to 19% by 2027-03-31.
- **Target-account engagement** (leading): 60% of the 600 target accounts with two or more engaged contacts.

## Requirements and feasibility

*Marketing Ops:* we need account-based advertising and intent data that reach the CRM within a day, lead-to-account matching in the marketing automation platform, and a duplicate rate under 2% on contacts. Today the duplicate rate is 7%; cleaning it is the first workstream.

- Account-based advertising synced to the CRM daily.
- Intent data from our enrichment provider on every target account.
- Lead-to-account matching and routing.
- Contact duplicate rate at or below 2%; email fill rate at or above 90%.

## Risks

- **Data quality.** Matching fails on duplicates; without the clean-up, routing sends the wrong rep the wrong lead.
- **Contract timing.** The marketing automation contract renews in March, before the programme is proven.
- **Sales capacity.** SDRs must follow up engaged accounts within 24 hours; we need sales leadership to commit to that.

## Opportunities

If account engagement predicts pipeline as well as we expect, finance can fund marketing on pipeline contribution instead of lead volume from FY28.

## Asks

1. Approve the budget shift of $180K from content syndication to account-based advertising.
2. Sales leadership commits to a 24-hour follow-up SLA on engaged target accounts.
3. Finance joins the monthly pipeline review and signs off the attribution rules.
`

export const FY27_Q1_QBR = `## Highlights

- Marketing-sourced pipeline reached $4.1M against a $4.0M target.
- MQL→SQL conversion rose from 14% to 15.5% after the lead-scoring change in week 6.
- Sales accepted 52% of leads (up from 41%); the most common rejection reason is still "no budget".

## Results against targets

| Metric | Target | Actual | Status |
| --- | --- | --- | --- |
| Pipeline | $4.0M | $4.1M | On track |
| MQL→SQL | 15% | 15.5% | On track |
| Win rate | 24% | 21% | Behind |
| CAC | $14,000 | $15,200 | Behind |

## What worked and what did not

Scoring leads on engagement from target accounts worked: fewer, better leads. Webinars did not: high registration, low attendance, almost no pipeline. We will run fewer and record them.

## Pipeline and revenue

Pipeline from target accounts was 58% of the total, up from 37%. Revenue closed from marketing-sourced opportunities was $1.2M, in line with plan.

## Next quarter

- Finish the contact de-duplication (7% → 2%).
- Launch account-based advertising to the first 200 target accounts.
- Agree attribution rules with finance before the Q2 review.
`

/** Two realistic narratives: the CMO's FY27 strategy with MOps' additions, and last quarter's QBR. */
export const seedDemoNarratives: DemoExtender = async (sql, { workspaceId, people }) => {
  const cmo = people['cmo@acme.test']!
  const mops = people['mops@acme.test']!
  const strategy = await insertNarrative(sql, {
    workspaceId,
    title: 'FY27 account-based pipeline strategy',
    template: 'strategy',
    ownerId: cmo,
  })
  await seedNarrativeContent(sql, strategy.id, buildMarkdownUpdate(FY27_STRATEGY), { authorId: cmo })
  await touchNarrative(sql, { id: strategy.id, userId: mops })
  const qbr = await insertNarrative(sql, { workspaceId, title: 'FY27 Q1 marketing business review', template: 'qbr', ownerId: mops })
  await seedNarrativeContent(sql, qbr.id, buildMarkdownUpdate(FY27_Q1_QBR), { authorId: mops })
  await updateNarrativeStatus(sql, { id: qbr.id, workspaceId, status: 'in_review' })
}
