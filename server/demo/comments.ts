/** Margin comments on the demo strategy narrative, anchored exactly as the browser anchors them. */
import { $createRangeSelection, $getRoot } from 'lexical'
import { $encodeSelection } from '#app/document/anchors.ts'
import { insertComment, insertThread, setThreadResolved } from '#db/queries/comments.ts'
import { getNarrativeLog } from '#db/queries/narrative-docs.ts'
import { storedLogToUpdate } from '#app/document/stored-log.ts'
import { listNarratives } from '#db/queries/narratives.ts'
import { readDocWithBinding } from '#app/document/lexical.ts'
import type { DemoExtender } from '#server/seed.ts'

type Who = 'cmo' | 'mops' | 'sales' | 'finance'

const THREADS: { quote: string; by: Who; comments: [Who, string][]; resolved?: boolean }[] = [
  {
    quote: 'Moving $180K of the content-syndication budget to account-based advertising',
    by: 'finance',
    comments: [
      ['finance', '@Claire Morgan which quarter does the $180K come out of? Q1 syndication is already contracted.'],
      ['cmo', 'Q2 onwards. The Q1 contract runs out in March and we do not renew it.'],
      ['finance', 'Then I can sign this off. Please add the Q2 phasing to the asks.'],
    ],
  },
  {
    quote: 'Sales leadership commits to a 24-hour follow-up SLA on engaged target accounts',
    by: 'sales',
    comments: [
      ['sales', 'We can do 24 hours for tier-1 accounts. Tier-2 needs 48 until we hire the two SDRs.'],
      ['mops', 'Routing can tag tiers, so the SLA report can show both. I will set it up in Salesforce.'],
    ],
  },
  {
    quote: 'Today the duplicate rate is 7%',
    by: 'cmo',
    comments: [
      ['cmo', 'Is 2% realistic by March?'],
      ['mops', 'Yes with the dedupe tool and a one-off merge in January; the plan is in the roadmap.'],
    ],
    resolved: true,
  },
]

export const seedDemoComments: DemoExtender = async (sql, { workspaceId, people }) => {
  const [narrative] = await listNarratives(sql, { workspaceId, q: 'FY27 account-based pipeline strategy' })
  if (!narrative) return
  const who: Record<Who, string> = {
    cmo: people['cmo@acme.test']!,
    mops: people['mops@acme.test']!,
    sales: people['sales@acme.test']!,
    finance: people['finance@acme.test']!,
  }
  const update = storedLogToUpdate(await getNarrativeLog(sql, narrative.id))
  await sql.begin(async (tx) => {
    for (const t of THREADS) {
      const anchor = readDocWithBinding(update, (binding) => {
        const node = $getRoot()
          .getAllTextNodes()
          .find((n) => n.getTextContent().includes(t.quote))
        if (!node) return null
        const at = node.getTextContent().indexOf(t.quote)
        const selection = $createRangeSelection()
        selection.anchor.set(node.getKey(), at, 'text')
        selection.focus.set(node.getKey(), at + t.quote.length, 'text')
        return $encodeSelection(binding, selection)
      })
      if (!anchor) continue
      const threadId = await insertThread(tx, { workspaceId, authorId: who[t.by], narrativeId: narrative.id, anchor })
      for (const [person, body] of t.comments) await insertComment(tx, { workspaceId, threadId, authorId: who[person], body })
      if (t.resolved) await setThreadResolved(tx, { id: threadId, workspaceId, resolvedBy: who.mops })
    }
  })
}
