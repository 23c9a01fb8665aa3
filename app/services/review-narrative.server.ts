import { getSql } from '#db/client.ts'
import { formatAttainment, formatValue, HEALTH_LABELS, type FigureStyle } from '#app/domain/metrics.ts'
import { TEMPLATE_DEFINITIONS } from '#app/domain/templates.ts'
import { buildMarkdownUpdate, seedNarrativeContent } from '#app/document/content.ts'
import { getReviewFor } from '#app/services/metrics/review.server.ts'
import { createNarrative } from './narratives.server.ts'

type Review = Awaited<ReturnType<typeof getReviewFor>>
type Row = Review['leading'][number]

/** Markdown-safe cell text (a pipe would split the cell). */
const cell = (s: string) => s.replace(/\|/g, '/').replace(/\s+/g, ' ').trim()

/** Exact in the tables, compact in the sentences (the rule of FigureStyle). */
function value(r: Row, v: number | null, style: FigureStyle = 'exact') {
  return formatValue(v, r.metric.unit, { currency: r.metric.currency, style })
}

/** The period's figures as the Markdown of a business-review narrative. */
export function reviewMarkdown(review: Review): string {
  const hint = (heading: string) => TEMPLATE_DEFINITIONS.qbr.sections.find((s) => s.heading === heading)?.hint ?? ''
  const moved = review.movers.slice(0, 3).map((r) => {
    const pct = r.relative === null ? '' : ` (${r.relative > 0 ? '+' : ''}${(r.relative * 100).toFixed(1)}% on ${review.previousLabel})`
    return `- ${r.metric.name} ${r.improved ? 'improved' : 'worsened'} to ${value(r, r.point.actual, 'summary')}${pct}.`
  })
  const table = (rows: Row[]) => [
    '| Metric | Target | Actual | Attainment | Health |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${cell(r.metric.name)} | ${cell(value(r, r.point.target))} | ${cell(value(r, r.point.actual))} | ${cell(formatAttainment(r.point.attainment))} | ${HEALTH_LABELS[r.point.health]} |`,
    ),
  ]
  const due = review.commitments.map(
    (c) =>
      `- ${c.metric.name}: ${formatValue(c.current, c.metric.unit, { currency: c.metric.currency, style: 'summary' })} now, ${formatValue(c.target, c.metric.unit, { currency: c.metric.currency, style: 'summary' })} by ${c.dueOn} (${cell(c.narrativeTitle)}) — ${HEALTH_LABELS[c.health].toLowerCase()}.`,
  )
  // The review's notes: the overall one and each metric line's, as the review page shows them.
  const md = (s: string) =>
    s
      .replace(/\s*\n\s*/g, ' ')
      .replace(/([*_`#|\\[\]])/g, '\\$1')
      .trim()
  const lineNotes = [...review.lagging, ...review.leading]
    .filter((r) => review.notes.byMetric[r.metric.id])
    .map((r) => `- **${md(r.metric.name)}**: ${md(review.notes.byMetric[r.metric.id]!.body)}`)
  const notes = [...(review.notes.overall ? [md(review.notes.overall.body), ''] : []), ...lineNotes]
  return [
    '## Highlights',
    '',
    ...(moved.length ? moved : ['- No metric moved since the period before.']),
    '',
    '## Results against targets',
    '',
    ...(review.lagging.length ? ['**Lagging indicators**', '', ...table(review.lagging), ''] : []),
    ...(review.leading.length ? ['**Leading indicators**', '', ...table(review.leading), ''] : []),
    '## What worked and what did not',
    '',
    ...(notes.length ? [...notes, ''] : [`*${hint('What worked and what did not')}*`, '']),
    '## Pipeline and revenue',
    '',
    `*${hint('Pipeline and revenue')}*`,
    '',
    '## Next quarter',
    '',
    ...(due.length ? ['Commitments falling due:', '', ...due] : [`*${hint('Next quarter')}*`]),
    '',
  ].join('\n')
}

/**
 * Starts a review narrative (QBR template) pre-filled with the period's figures: highlights from
 * what moved most, results against targets, and the commitments falling due.
 */
export async function startReviewNarrative(
  actor: Parameters<typeof getReviewFor>[0],
  args: { cadence: 'week' | 'month' | 'quarter'; period?: string },
) {
  const review = await getReviewFor(actor, args)
  const title = `${review.periodLabel} ${review.cadence === 'quarter' ? 'marketing business review' : 'marketing review'}`
  const narrative = await createNarrative(actor, { title, template: 'qbr' })
  await seedNarrativeContent(getSql(), narrative.id, buildMarkdownUpdate(reviewMarkdown(review)), { authorId: actor.userId })
  return narrative
}
