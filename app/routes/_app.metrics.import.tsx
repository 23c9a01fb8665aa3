import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { AlertTriangle, ArrowLeft, CheckCircle2, FileUp } from 'lucide-react'
import { useRef, useState } from 'react'
import { GRANULARITIES, GRANULARITY_LABELS } from '#app/domain/periods.ts'
import { ImportQuerySchema } from '#app/schemas/metrics.ts'
import { IMPORT_MAX_BYTES } from '#app/domain/csv.ts'
import { listMetricsFor } from '#app/services/metrics/dictionary.server.ts'
import { assertCanImport, importCsv, previewImport, type ImportPreview } from '#app/services/metrics/import.server.ts'
import { BatchError, type RowError } from '#app/services/metrics/values.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'Import metrics · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    await assertCanImport(actor)
    return json({ keys: (await listMetricsFor(actor)).map((m) => ({ key: m.key, name: m.name })) })
  })
}

type Outcome =
  | {
      stage: 'preview'
      csv: string
      granularity: string
      kind: string
      preview: Omit<ImportPreview, 'checked'> & { errors: RowError[] }
      fatal?: string
    }
  | { stage: 'done'; summary: ImportPreview['summary'] }

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request, IMPORT_MAX_BYTES + 64 * 1024)
  return formAction(values, async () => {
    await assertCanImport(actor)
    const opts = parseOrThrow(ImportQuerySchema, { granularity: values.granularity, kind: values.kind })
    const csv = values.csv ?? ''
    const commit = values.intent === 'commit'
    try {
      const result = await importCsv(actor, csv, { ...opts, dryRun: !commit })
      if (commit) return json<Outcome>({ stage: 'done', summary: result.summary })
      return json<Outcome>({
        stage: 'preview',
        csv,
        granularity: opts.granularity,
        kind: opts.kind,
        preview: { rows: result.rows, errors: [], summary: result.summary },
      })
    } catch (e) {
      if (!(e instanceof BatchError)) throw e
      // Show every bad row beside the rows that are fine; nothing was saved.
      let preview: Outcome & { stage: 'preview' }
      try {
        const p = await previewImport(actor, csv, opts)
        preview = {
          stage: 'preview',
          csv,
          granularity: opts.granularity,
          kind: opts.kind,
          preview: { rows: p.rows, errors: p.errors, summary: p.summary },
        }
      } catch {
        preview = {
          stage: 'preview',
          csv,
          granularity: opts.granularity,
          kind: opts.kind,
          fatal: e.message,
          preview: { rows: [], errors: e.rows, summary: { rows: 0, new: 0, changed: 0, unchanged: 0, errors: e.rows.length, metrics: 0 } },
        }
      }
      return json<Outcome>(preview, { status: 400 })
    }
  })
}

const SAMPLE = `metric,period,value
pipeline,2026-11,1450000
mql_to_sql,2026-11,16.2
mqls,2026-W47,312`

export default function ImportPage() {
  const { keys } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as Outcome | { ok: false; message: string } | undefined
  const busy = useNavigation().state === 'submitting'
  const textarea = useRef<HTMLTextAreaElement>(null)
  const [fileName, setFileName] = useState<string | null>(null)
  const preview = data && 'stage' in data && data.stage === 'preview' ? data : null
  const done = data && 'stage' in data && data.stage === 'done' ? data : null
  const readFile = (file: File | undefined) => {
    if (!file || !textarea.current) return
    setFileName(file.name)
    void file.text().then((t) => {
      if (textarea.current) textarea.current.value = t
    })
  }
  return (
    <div className="page metrics-page">
      <Link to="/metrics" className="back-link">
        <ArrowLeft size={14} aria-hidden /> Metrics
      </Link>
      <div className="page-header">
        <div>
          <h1>Import targets and actuals</h1>
          <p>A CSV with the columns metric, period (or date) and value. Check it first: every row is saved, or none.</p>
        </div>
      </div>
      {done ? (
        <div className="notice import-done" role="status">
          <CheckCircle2 size={16} aria-hidden /> Imported {done.summary.rows} rows for {done.summary.metrics} metrics: {done.summary.new}{' '}
          new, {done.summary.changed} replaced, {done.summary.unchanged} unchanged. <Link to="/metrics">See the metrics</Link>
        </div>
      ) : null}
      <Form method="post" className="card card-body import-form" noValidate>
        <div className="import-inputs">
          <div className="field grow">
            <label htmlFor="csv">CSV</label>
            <textarea
              id="csv"
              name="csv"
              ref={textarea}
              rows={8}
              spellCheck={false}
              className="mono-input"
              defaultValue={preview?.csv ?? ''}
              placeholder={SAMPLE}
            />
            <span className="hint">
              Periods: 2026-W47 (ISO week), 2026-11 (month), 2026-Q4 or FY27 Q2 (fiscal quarter), 2026 (fiscal year). Values like 1,450,000,
              $1.45M or 16.2%.
            </span>
          </div>
          <div className="import-side">
            <label className="button secondary file-button">
              <FileUp size={16} aria-hidden /> {fileName ?? 'Choose a file'}
              <input
                type="file"
                accept=".csv,text/csv,text/plain"
                className="visually-hidden"
                onChange={(e) => readFile(e.currentTarget.files?.[0])}
              />
            </label>
            <div className="field">
              <label htmlFor="kind">Values are</label>
              <select id="kind" name="kind" defaultValue={preview?.kind ?? 'actual'}>
                <option value="actual">Actuals</option>
                <option value="target">Targets</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="granularity">A date counts in its</label>
              <select id="granularity" name="granularity" defaultValue={preview?.granularity ?? 'month'}>
                {GRANULARITIES.map((g) => (
                  <option key={g} value={g}>
                    {GRANULARITY_LABELS[g]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" name="intent" value="preview" className="button" disabled={busy}>
              Check file
            </button>
          </div>
        </div>
        <details className="keys-help">
          <summary>Metric keys in this workspace ({keys.length})</summary>
          <ul>
            {keys.map((k) => (
              <li key={k.key}>
                <code>{k.key}</code> <span className="muted">{k.name}</span>
              </li>
            ))}
          </ul>
        </details>
      </Form>

      {preview ? (
        <section className="card import-preview" aria-labelledby="preview-title">
          <div className="card-header">
            <div>
              <h2 id="preview-title">Preview</h2>
              <p>
                {preview.preview.summary.rows} rows · {preview.preview.summary.new} new · {preview.preview.summary.changed} replace a value
                · {preview.preview.summary.unchanged} unchanged
                {preview.preview.errors.length ? ` · ${preview.preview.summary.errors} with errors` : ''}
              </p>
            </div>
            {preview.preview.errors.length === 0 ? (
              <Form method="post">
                <input type="hidden" name="csv" value={preview.csv} />
                <input type="hidden" name="kind" value={preview.kind} />
                <input type="hidden" name="granularity" value={preview.granularity} />
                <button type="submit" name="intent" value="commit" className="button" disabled={busy}>
                  Import {preview.preview.summary.rows} rows
                </button>
              </Form>
            ) : null}
          </div>
          {preview.preview.errors.length ? (
            <div className="import-errors" role="alert">
              <p className="error-lead">
                <AlertTriangle size={16} aria-hidden /> Nothing has been saved. Fix{' '}
                {preview.preview.summary.errors === 1 ? 'this row' : `these ${preview.preview.summary.errors} rows`} and check again.
              </p>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Column</th>
                    <th scope="col">Value</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.preview.errors.map((e, i) => (
                    <tr key={i}>
                      <td className="num">{e.line ?? e.row}</td>
                      <td>{e.column}</td>
                      <td>
                        <code>{e.value || '—'}</code>
                      </td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {preview.preview.rows.length ? (
            <div className="table-scroll preview-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Metric</th>
                    <th scope="col">Period</th>
                    <th scope="col" className="num">
                      Value
                    </th>
                    <th scope="col">Effect</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.preview.rows.slice(0, 200).map((r) => (
                    <tr key={`${r.line}`}>
                      <td className="num">{r.line}</td>
                      <td>
                        {r.metricName} <span className="muted small">{r.kind === 'target' ? 'target' : ''}</span>
                      </td>
                      <td>{r.periodLabel}</td>
                      <td className="num">{r.display}</td>
                      <td>
                        {r.change === 'new' ? (
                          <span className="chip pass">New</span>
                        ) : r.change === 'changed' ? (
                          <span className="chip risk">Replaces {r.previousDisplay}</span>
                        ) : (
                          <span className="chip neutral">Unchanged</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {preview.preview.rows.length > 200 ? (
                <p className="hint table-foot">And {preview.preview.rows.length - 200} more rows.</p>
              ) : null}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  )
}
