import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { createHash } from 'node:crypto'
import { redirect } from '@remix-run/node'
import { renderToStaticMarkup } from 'react-dom/server'
import { ArrowLeft, CheckCircle2, Circle, Download, FileText, Stamp, TriangleAlert, XCircle } from 'lucide-react'
import { z } from 'zod'
import { STATUS_LABELS as FEASIBILITY_LABELS } from '#app/domain/feasibility.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { acknowledgeApproved, getReadingViewFor } from '#app/services/reviews.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { requireReadingActor } from '#app/utils/reader.server.ts'
import { DiffText } from '#app/components/diff-text.tsx'
import appStyles from '../styles/app.css'
import reviewStyles from '../styles/review.css'

const QuerySchema = z.object({ v: z.uuid('Not a version id').optional() })

// One formatter for the module: toLocaleDateString builds a new Intl formatter on every call.
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
const date = (iso: string) => DATE.format(new Date(iso))

/**
 * The reading view of an approved narrative: the frozen HTML rendered on the server (no editor, no
 * JavaScript needed), the approval stamp, the evidence as approved with each committed metric
 * approved versus now, "what changed since you last read", and Acknowledge. Printable (and the
 * PDF export renders it).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireReadingActor(request)
  return orThrowResponse(async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Approved narrative')
    const query = parseOrThrow(QuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const v = await getReadingViewFor(actor, id, { versionId: query.v })
    const data: ReadingData = {
      narrative: v.narrative,
      version: { id: v.version.id, number: v.version.number, approvedAt: v.version.createdAt.toISOString() },
      isCurrent: v.isCurrent,
      approvedVersions: v.approvedVersions.map((a) => ({ id: a.id, number: a.number, at: a.createdAt.toISOString() })),
      approvals: v.approvals.map((a) => ({ name: a.name, at: a.decidedAt.toISOString(), note: a.note })),
      evidence: v.evidence,
      acknowledgedCurrent: v.acknowledgedCurrent,
      read: v.read ? { versionNumber: v.read.versionNumber, at: v.read.acknowledgedAt.toISOString() } : null,
      changes: v.changes ? { sinceNumber: v.changes.since.versionNumber, parts: v.changes.parts } : null,
      reads: v.reads?.map((r) => ({ name: r.name, versionNumber: r.versionNumber, at: r.acknowledgedAt.toISOString() })) ?? null,
      can: v.can,
    }
    // The page is a pure function of `data` (the version's frozen HTML is immutable per version
    // id, which `data` carries) and of this build's stylesheet URLs: its hash is the ETag, and the
    // encoded page is kept per hash, so a repeat reader gets a 304 and other requests skip React.
    const etag = `"r-${createHash('sha1').update(STYLESHEETS).update(JSON.stringify(data)).digest('base64url')}"`
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-cache', ETag: etag }
    if (
      request.headers
        .get('If-None-Match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return new Response(null, { status: 304, headers })
    return new Response(renderedPage(etag, data, v.version.html), { headers })
  })
}

const STYLESHEETS = `${appStyles} ${reviewStyles}`

/**
 * Rendered pages by ETag, encoded once: React renders the small shell, the frozen HTML goes in as
 * it was rendered at approval (one document, no client script, no copy of the text in hydration
 * data). Several readers' states of a few narratives fit; the least recently used page goes first.
 */
const pages = new Map<string, Uint8Array<ArrayBuffer>>()
const PAGE_CACHE_SIZE = 48
function renderedPage(etag: string, data: ReadingData, frozenHtml: string) {
  const hit = pages.get(etag)
  if (hit) {
    pages.delete(etag)
    pages.set(etag, hit)
    return hit
  }
  const markup = renderToStaticMarkup(<ReadingView d={data} />).replace(FROZEN, () => frozenHtml)
  const page = Buffer.from(`<!DOCTYPE html>${markup}`)
  pages.set(etag, page)
  if (pages.size > PAGE_CACHE_SIZE) pages.delete(pages.keys().next().value!)
  return page
}

type ReadingData = {
  narrative: { id: string; title: string; status: string; ownerName: string }
  version: { id: string; number: number; approvedAt: string }
  isCurrent: boolean
  approvedVersions: { id: string; number: number; at: string }[]
  approvals: { name: string; at: string; note: string }[]
  evidence: Awaited<ReturnType<typeof getReadingViewFor>>['evidence']
  acknowledgedCurrent: boolean
  read: { versionNumber: number; at: string } | null
  changes: { sinceNumber: number; parts: { kind: 'same' | 'added' | 'removed'; text: string }[] } | null
  reads: { name: string; versionNumber: number; at: string }[] | null
  can: { acknowledge: boolean; seeWorking: boolean }
}

const FROZEN = '<div data-frozen-html=""></div>'

/** POST intent=acknowledge: "I have read it" (every member, readers included; their only write). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return orThrowResponse(async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Approved narrative')
    parseOrThrow(z.object({ intent: z.literal('acknowledge') }), values)
    await acknowledgeApproved(actor, id)
    // A plain form post (the page has no script): back to the reading view.
    return redirect(`/read/${id}`, 303)
  })
}

const FEASIBILITY_ICON = { pass: CheckCircle2, at_risk: TriangleAlert, fail: XCircle, unknown: Circle } as const
const FEASIBILITY_TONE = { pass: 'pass', at_risk: 'risk', fail: 'fail', unknown: 'unknown' } as const

function ReadingView({ d }: { d: ReadingData }) {
  const approvers = d.approvals.map((a) => a.name).join(', ')
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${d.narrative.title} · Accord`}</title>
        <link rel="stylesheet" href={appStyles} />
        <link rel="stylesheet" href={reviewStyles} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <div className="reading">
          <header className="reading-bar">
            <a href="/approved" className="panel-link">
              <ArrowLeft size={14} aria-hidden /> Approved library
            </a>
            <nav aria-label="Export">
              <a href={`/read/${d.narrative.id}/export.pdf${d.isCurrent ? '' : `?v=${d.version.id}`}`} className="button secondary small">
                <Download size={14} aria-hidden /> Download PDF
              </a>
              <a href={`/read/${d.narrative.id}/export.md${d.isCurrent ? '' : `?v=${d.version.id}`}`} className="button ghost small">
                <FileText size={14} aria-hidden /> Markdown
              </a>
            </nav>
          </header>
          <div className="reading-layout">
            <main>
              {d.changes ? (
                <section className="reading-notice no-print" aria-label="What changed since you last read">
                  <strong>
                    <TriangleAlert size={14} aria-hidden /> A newer version was approved since you last read v{d.changes.sinceNumber}. What
                    changed:
                  </strong>
                  <DiffText parts={d.changes.parts} />
                </section>
              ) : null}
              {!d.isCurrent ? (
                <p className="reading-notice no-print" role="note">
                  This is v{d.version.number}, an earlier approved version. <a href={`/read/${d.narrative.id}`}>Read the current one</a>.
                </p>
              ) : null}
              <article className="reading-doc">
                <h1>{d.narrative.title}</h1>
                <div className="stamp" aria-label="Approval">
                  <strong>
                    <Stamp size={16} aria-hidden /> Approved · v{d.version.number} · {date(d.version.approvedAt)}
                  </strong>
                  <p>
                    Signed off by {approvers || 'its approvers'} · owner {d.narrative.ownerName}
                  </p>
                </div>
                {/* Frozen HTML, rendered on the server by the headless editor when the version was approved. */}
                <div data-frozen-html="" />
                <section className="appendix" aria-label="Evidence appendix">
                  <h2>Appendix: evidence as approved</h2>
                  <Evidence d={d} />
                </section>
              </article>
            </main>
            <aside className="reading-aside">
              <section aria-label="Acknowledge">
                <h2>Read it?</h2>
                {d.acknowledgedCurrent ? (
                  <p>
                    <CheckCircle2 size={14} aria-hidden className="gate-icon pass" /> You acknowledged v{d.version.number}
                    {d.read ? ` on ${date(d.read.at)}` : ''}.
                  </p>
                ) : d.can.acknowledge ? (
                  <form method="post" className="ack-box">
                    <p className="muted">Let the owner know you have read this version.</p>
                    <button type="submit" name="intent" value="acknowledge" className="button small">
                      <CheckCircle2 size={14} aria-hidden /> Acknowledge
                    </button>
                  </form>
                ) : (
                  <p className="muted">Acknowledge the current version.</p>
                )}
              </section>
              <section aria-label="Approvals">
                <h2>Approvals</h2>
                <ul className="audit-list">
                  {d.approvals.map((a) => (
                    <li key={a.name}>
                      <span className="chip pass">
                        <CheckCircle2 aria-hidden /> Approved
                      </span>{' '}
                      <strong>{a.name}</strong> · {date(a.at)}
                      {a.note ? <span className="gate-detail">“{a.note}”</span> : null}
                    </li>
                  ))}
                </ul>
              </section>
              <Evidence d={d} />
              {d.reads ? (
                <section aria-label="Acknowledged by">
                  <h2>Acknowledged by</h2>
                  {d.reads.length === 0 ? (
                    <p className="muted">Nobody yet.</p>
                  ) : (
                    <ul className="audit-list">
                      {d.reads.map((r) => (
                        <li key={r.name}>
                          <strong>{r.name}</strong> · v{r.versionNumber} · {date(r.at)}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              ) : null}
              {d.approvedVersions.length > 1 ? (
                <section aria-label="Approved versions">
                  <h2>Approved versions</h2>
                  <ul className="audit-list">
                    {d.approvedVersions.map((v) => (
                      <li key={v.id}>
                        <a href={v.id === d.approvedVersions[0]!.id ? `/read/${d.narrative.id}` : `/read/${d.narrative.id}?v=${v.id}`}>
                          v{v.number}
                        </a>{' '}
                        · {date(v.at)}
                      </li>
                    ))}
                  </ul>
                </section>
              ) : null}
            </aside>
          </div>
        </div>
      </body>
    </html>
  )
}

function Evidence({ d }: { d: ReadingData }) {
  return (
    <>
      <section aria-label="Feasibility as approved">
        <h2>Feasibility as approved</h2>
        {d.evidence.feasibility.requirements.length === 0 ? (
          <p className="muted">No requirements stated.</p>
        ) : (
          <ul className="audit-list">
            {d.evidence.feasibility.requirements.map((r) => {
              const status = r.status as keyof typeof FEASIBILITY_ICON
              const Icon = FEASIBILITY_ICON[status] ?? Circle
              return (
                <li key={r.id}>
                  <span className={`chip ${FEASIBILITY_TONE[status] ?? 'unknown'}`}>
                    <Icon aria-hidden /> {FEASIBILITY_LABELS[status] ?? r.status}
                  </span>{' '}
                  {r.summary}
                  {r.assessment ? (
                    <span className="gate-detail">
                      MOps: {r.assessment.decision.replace('_', ' ')}
                      {r.assessment.effort ? `, effort ${r.assessment.effort}` : ''}
                      {r.assessment.note ? ` — ${r.assessment.note}` : ''}
                    </span>
                  ) : null}
                </li>
              )
            })}
          </ul>
        )}
      </section>
      <section aria-label="Metrics: approved versus now">
        <h2>Metrics: approved vs now</h2>
        {d.evidence.metrics.length === 0 ? (
          <p className="muted">No commitments.</p>
        ) : (
          <table className="evidence-table">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Approved</th>
                <th scope="col">Now</th>
                <th scope="col">Drift</th>
              </tr>
            </thead>
            <tbody>
              {d.evidence.metrics.map((m) => (
                <tr key={m.commitmentId}>
                  <td>
                    {m.name}
                    <span className="gate-detail">target {m.targetText}</span>
                  </td>
                  <td>{m.approvedText}</td>
                  <td>{m.nowText}</td>
                  <td className={`drift-${m.drift.direction}`}>
                    {m.driftText}
                    <span className="visually-hidden"> since approval</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
