import { Form } from '@remix-run/react'
import { useRef } from 'react'
import { formatValue, type Aggregation, type Unit } from '#app/domain/metrics.ts'

export interface GridRow {
  period: string
  label: string
  target: number | null
  /** The target this period gets from a longer or shorter one when none is stored for it. */
  derivedTarget: number | null
  actual: number | null
}

function plain(v: number | null) {
  return v === null ? '' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 }).format(v)
}

/**
 * Targets and actuals of one fiscal year, one row per period: type, then save once. Only changed
 * cells are sent; the whole grid is saved or, with one bad cell, none of it.
 */
export function ValuesGrid({
  rows,
  unit,
  currency,
  aggregation,
  yearKey,
  yearLabel,
  yearTarget,
  errors,
  busy,
  granularity,
  targetsEditable = true,
}: {
  rows: readonly GridRow[]
  unit: Unit
  currency: string | null
  aggregation: Aggregation
  yearKey: string
  yearLabel: string
  yearTarget: number | null
  errors: Record<string, string>
  busy: boolean
  granularity: string
  /** False for a member who records the metric's actuals but not its targets (its owner function). */
  targetsEditable?: boolean
}) {
  const form = useRef<HTMLFormElement>(null)
  const spread = () => {
    const el = form.current
    if (!el) return
    const year = Number((el.elements.namedItem(`target:${yearKey}`) as HTMLInputElement | null)?.value.replace(/,/g, ''))
    if (!Number.isFinite(year) || year <= 0) return
    const inputs = rows.map((r) => el.elements.namedItem(`target:${r.period}`) as HTMLInputElement | null)
    const share = aggregation === 'sum' ? year / rows.length : year
    for (const input of inputs) if (input) input.value = plain(Math.round(share * 100) / 100)
  }
  const unitHint = unit === 'percent' ? ' (%)' : unit === 'currency' ? ` (${currency ?? ''})` : unit === 'days' ? ' (days)' : ''
  return (
    <Form method="post" ref={form} className="values-grid" noValidate>
      <input type="hidden" name="intent" value="values" />
      <input type="hidden" name="granularity" value={granularity} />
      {rows.map((r) => (
        <span key={r.period}>
          <input type="hidden" name={`was-target:${r.period}`} value={plain(r.target)} />
          <input type="hidden" name={`was-actual:${r.period}`} value={plain(r.actual)} />
        </span>
      ))}
      <input type="hidden" name={`was-target:${yearKey}`} value={plain(yearTarget)} />
      {errors._form ? (
        <div className="form-error" role="alert">
          {errors._form}
        </div>
      ) : null}
      {granularity !== 'year' && targetsEditable ? (
        <div className="year-target">
          <label htmlFor={`cell-target-${yearKey}`}>
            {yearLabel} target{unitHint}
          </label>
          <input
            id={`cell-target-${yearKey}`}
            name={`target:${yearKey}`}
            inputMode="decimal"
            defaultValue={plain(yearTarget)}
            className="num-input"
            aria-invalid={errors[`target:${yearKey}`] ? true : undefined}
          />
          <button type="button" className="button secondary small" onClick={spread}>
            Spread over {granularity === 'month' ? 'months' : granularity === 'quarter' ? 'quarters' : 'weeks'}
          </button>
          <span className="hint">{aggregation === 'sum' ? 'Equal shares of the year.' : 'The same level in every period.'}</span>
          {errors[`target:${yearKey}`] ? <span className="field-error">{errors[`target:${yearKey}`]}</span> : null}
        </div>
      ) : null}
      <div className="table-scroll grid-scroll">
        <table className="table grid-table">
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="num">
                Target{unitHint}
              </th>
              <th scope="col" className="num">
                Actual{unitHint}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.period}>
                <th scope="row">{r.label}</th>
                {(['target', 'actual'] as const).map((kind) => {
                  const name = `${kind}:${r.period}`
                  if (kind === 'target' && !targetsEditable)
                    return (
                      <td key={kind} className="num">
                        {r.target !== null ? (
                          formatValue(r.target, unit, { currency })
                        ) : (
                          <span className="muted">{formatValue(r.derivedTarget, unit, { currency })}</span>
                        )}
                      </td>
                    )
                  return (
                    <td key={kind} className="num">
                      <input
                        name={name}
                        aria-label={`${kind === 'target' ? 'Target' : 'Actual'} ${r.label}`}
                        inputMode="decimal"
                        defaultValue={plain(r[kind])}
                        placeholder={
                          kind === 'target' && r.target === null && r.derivedTarget !== null
                            ? formatValue(r.derivedTarget, unit === 'currency' ? 'count' : unit)
                            : '—'
                        }
                        className="num-input"
                        aria-invalid={errors[name] ? true : undefined}
                        title={errors[name]}
                      />
                      {errors[name] ? <span className="cell-error">{errors[name]}</span> : null}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row grid-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : targetsEditable ? 'Save targets and actuals' : 'Save actuals'}
        </button>
        <span className="hint">
          Grey targets come from the quarter or year. Values as plain numbers
          {unit === 'currency' ? `, e.g. ${formatValue(1250000, 'count')}` : ''}. Writing a period again replaces its value; the old one is
          kept in the history.
        </span>
      </div>
    </Form>
  )
}
