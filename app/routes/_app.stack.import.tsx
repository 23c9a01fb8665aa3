import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData, useRevalidator } from '@remix-run/react'
import { AlertTriangle, ArrowLeft, CheckCircle2, FileUp, XCircle } from 'lucide-react'
import { useRef, useState } from 'react'
import { ExportLink } from '#app/components/feasibility/form-dialog.tsx'
import { forbidden } from '#app/domain/errors.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/schemas/inventory.ts'
import { IMPORT_MAX_BYTES } from '#app/domain/csv.ts'
import { IMPORT_COLUMNS, type ImportReport } from '#app/services/inventory/import.server.ts'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { orThrowResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'Import CSV · Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    if (!inventoryAbilities(actor).edit) throw forbidden('Only owners and editors can import into the inventory')
    return json({ columns: IMPORT_COLUMNS, maxBytes: IMPORT_MAX_BYTES })
  })
}

const KIND_LABELS: Record<ImportKind, { title: string; what: string; example: string }> = {
  systems: {
    title: 'Systems',
    what: 'One row per tool. Rows whose name already exists update that system; columns you leave out keep their values.',
    example:
      'name,vendor,category,lifecycle,end_date,renewal_date,annual_cost\nMarketo,Adobe,Marketing automation,Phasing out,2027-03-31,2027-03-01,96000',
  },
  support: {
    title: 'Capability support',
    what: 'One row per system and capability: native, partial, via add-on or none. Systems and capabilities must already exist.',
    example: 'system,capability,level,note\nHubSpot,Multi-touch attribution,partial,Only first and last touch',
  },
  integrations: {
    title: 'Integrations',
    what: 'One row per data flow. Objects are separated by semicolons; planned flows need live_from.',
    example:
      'from,to,objects,direction,frequency,status,live_from\nSalesforce,Snowflake,accounts;opportunities,one-way,daily,planned,2027-01-15',
  },
}

interface Outcome {
  status: number
  report?: ImportReport
  message?: string
}

/** Sends the file as the request body, reporting upload progress (fetch cannot). */
function upload(file: File, kind: ImportKind, dryRun: boolean, onProgress: (fraction: number) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/stack/import/upload?kind=${kind}&dryRun=${dryRun}`)
    xhr.setRequestHeader('Content-Type', 'text/csv')
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      let body: { detail?: string } & Partial<ImportReport> = {}
      try {
        body = JSON.parse(xhr.responseText) as typeof body
      } catch {
        /* not JSON */
      }
      if (xhr.status === 200 || xhr.status === 422) resolve({ status: xhr.status, report: body as ImportReport })
      else resolve({ status: xhr.status, message: body.detail ?? `The upload failed (${xhr.status}).` })
    }
    xhr.onerror = () => resolve({ status: 0, message: 'The upload did not reach the server. Check the connection and try again.' })
    xhr.send(file)
  })
}

function formatBytes(n: number) {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`
}

export default function ImportPage() {
  const { columns, maxBytes } = useLoaderData<typeof loader>()
  const [kind, setKind] = useState<ImportKind>('systems')
  const [file, setFile] = useState<File | null>(null)
  const [phase, setPhase] = useState<'idle' | 'checking' | 'checked' | 'importing' | 'done'>('idle')
  const [progress, setProgress] = useState(0)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const revalidator = useRevalidator()

  async function check(f: File, k: ImportKind) {
    setFile(f)
    setOutcome(null)
    if (f.size > maxBytes) {
      setPhase('checked')
      setOutcome({
        status: 413,
        message: `${f.name} is ${formatBytes(f.size)}; the limit is ${formatBytes(maxBytes)}. Split it into smaller files and import them one by one.`,
      })
      return
    }
    setPhase('checking')
    setProgress(0)
    setOutcome(await upload(f, k, true, setProgress))
    setPhase('checked')
  }

  async function commit() {
    if (!file) return
    setPhase('importing')
    setProgress(0)
    const result = await upload(file, kind, false, setProgress)
    setOutcome(result)
    setPhase(result.report?.committed ? 'done' : 'checked')
    if (result.report?.committed) revalidator.revalidate()
  }

  function reset(k: ImportKind = kind) {
    setKind(k)
    setFile(null)
    setOutcome(null)
    setPhase('idle')
    if (input.current) input.current.value = ''
  }

  const report = outcome?.report
  const spec = columns[kind]
  const busy = phase === 'checking' || phase === 'importing'
  return (
    <div className="import-page">
      <Link to="/stack" className="back-link">
        <ArrowLeft size={14} aria-hidden /> Tech stack
      </Link>
      <div className="import-grid">
        <section className="card">
          <div className="card-header">
            <div>
              <h2>Import from CSV</h2>
              <p>Every row is checked first. If any row has a problem, nothing is imported and you get the list to fix.</p>
            </div>
          </div>
          <div className="card-body">
            <fieldset className="segmented" aria-label="What to import">
              {IMPORT_KINDS.map((k) => (
                <label key={k} className="segment">
                  <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => reset(k)} disabled={busy} />
                  <span>{KIND_LABELS[k].title}</span>
                </label>
              ))}
            </fieldset>

            <label className={`dropzone${file ? ' has-file' : ''}`}>
              <FileUp size={24} aria-hidden />
              <span className="dropzone-title">{file ? file.name : `Choose a ${KIND_LABELS[kind].title.toLowerCase()} CSV file`}</span>
              <span className="muted">{file ? formatBytes(file.size) : `UTF-8 CSV, up to ${formatBytes(maxBytes)}`}</span>
              <input
                ref={input}
                type="file"
                accept=".csv,text/csv"
                aria-label="CSV file"
                className="visually-hidden"
                disabled={busy}
                onChange={(e) => {
                  const f = e.currentTarget.files?.[0]
                  if (f) void check(f, kind)
                }}
              />
            </label>

            {busy ? (
              <div
                className="progress"
                role="progressbar"
                aria-label={phase === 'checking' ? 'Checking the file' : 'Importing'}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(progress * 100)}
              >
                <span className="progress-fill" style={{ width: `${Math.max(4, Math.round(progress * 100))}%` }} />
                <span className="progress-label">
                  {progress < 1 ? `Uploading ${Math.round(progress * 100)}%` : phase === 'checking' ? 'Checking every row…' : 'Importing…'}
                </span>
              </div>
            ) : null}

            {outcome?.message ? (
              <div className="import-alert fail" role="alert">
                <XCircle size={18} aria-hidden />
                <div>
                  <strong>Nothing was imported.</strong> {outcome.message}
                </div>
              </div>
            ) : null}

            {report && report.errors.length ? (
              <div className="import-report" role="alert" aria-label="Problems in the file">
                <div className="import-alert fail">
                  <XCircle size={18} aria-hidden />
                  <div>
                    <strong>Nothing was imported.</strong> {report.errors.length} problem{report.errors.length === 1 ? '' : 's'} in{' '}
                    {file?.name}
                    {report.rows ? ` (${report.rows} rows)` : ''}. Fix them and choose the file again.
                  </div>
                </div>
                <table className="table report-table">
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Column</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.errors.slice(0, 200).map((e, i) => (
                      <tr key={i}>
                        <td className="num">{e.line}</td>
                        <td>{e.column ? <code>{e.column}</code> : <span className="muted">—</span>}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {report.errors.length > 200 ? <p className="muted">…and {report.errors.length - 200} more.</p> : null}
              </div>
            ) : null}

            {report && !report.errors.length && phase === 'checked' ? (
              <div className="import-preview">
                <div className="import-alert pass">
                  <CheckCircle2 size={18} aria-hidden />
                  <div>
                    <strong>All {report.rows} rows are valid.</strong> {report.created} new, {report.updated} updated. Nothing is saved
                    until you import.
                  </div>
                </div>
                <div className="table-scroll preview-scroll">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Line</th>
                        <th scope="col">Action</th>
                        {report.columns.map((c) => (
                          <th key={c} scope="col">
                            {c}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {report.preview.map((p) => (
                        <tr key={p.line}>
                          <td className="num muted">{p.line}</td>
                          <td>
                            <span className={`chip ${p.action === 'create' ? 'pass' : 'neutral'}`}>
                              {p.action === 'create' ? 'New' : 'Update'}
                            </span>
                          </td>
                          {report.columns.map((c) => (
                            <td key={c}>{p.values[c] || <span className="muted">—</span>}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {report.rows > report.preview.length ? (
                  <p className="muted">
                    Showing the first {report.preview.length} of {report.rows} rows.
                  </p>
                ) : null}
                <div className="row end">
                  <button type="button" className="button secondary" onClick={() => reset()}>
                    Choose another file
                  </button>
                  <button type="button" className="button" onClick={() => void commit()}>
                    Import {report.rows} row{report.rows === 1 ? '' : 's'}
                  </button>
                </div>
              </div>
            ) : null}

            {phase === 'done' && report?.committed ? (
              <div className="import-alert pass" role="status">
                <CheckCircle2 size={18} aria-hidden />
                <div>
                  <strong>
                    Imported {report.rows} row{report.rows === 1 ? '' : 's'}
                  </strong>{' '}
                  ({report.created} new, {report.updated} updated). Every narrative has been re-checked.{' '}
                  <Link to={kind === 'integrations' ? '/stack/integrations' : kind === 'support' ? '/stack/capabilities' : '/stack'}>
                    View them
                  </Link>
                </div>
              </div>
            ) : null}
          </div>
        </section>

        <aside className="card import-help">
          <div className="card-header">
            <div>
              <h2>{KIND_LABELS[kind].title} columns</h2>
            </div>
            <ExportLink kind={kind} label="Current data" />
          </div>
          <div className="card-body stack-sm">
            <p className="muted">{KIND_LABELS[kind].what}</p>
            <p>
              <span className="label">Required</span>
              <br />
              {spec.required.map((c) => (
                <code key={c} className="col-tag required">
                  {c}
                </code>
              ))}
            </p>
            <p>
              <span className="label">Optional</span>
              <br />
              {spec.optional.map((c) => (
                <code key={c} className="col-tag">
                  {c}
                </code>
              ))}
            </p>
            <pre className="code example" tabIndex={0} aria-label={`Example ${kind} CSV`}>
              {KIND_LABELS[kind].example}
            </pre>
            <p className="hint">
              <AlertTriangle size={12} aria-hidden /> Dates as YYYY-MM-DD. Values may be keys or labels (“Phasing out”, “via add-on”).
            </p>
          </div>
        </aside>
      </div>
    </div>
  )
}
