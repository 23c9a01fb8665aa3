import { Field, SelectField, type FormResult } from '#app/components/form.tsx'
import { AGGREGATION_LABELS, AGGREGATIONS, DIRECTION_LABELS, DIRECTIONS, INDICATOR_KINDS, UNIT_LABELS, UNITS } from '#app/domain/metrics.ts'
import { FUNCTION_LABELS, FUNCTIONS } from '#app/domain/policies.ts'

export interface MetricDefaults {
  key?: string
  name?: string
  definition?: string
  unit?: string
  currency?: string | null
  direction?: string
  indicator?: string
  aggregation?: string
  ownerFunction?: string | null
  sourceSystem?: string | null
  goalKey?: string | null
  northStar?: boolean
  funnelStep?: number | null
}

/** The fields of a metric definition (create and edit share them; the key is fixed once created). */
export function MetricFields({
  result,
  defaults = {},
  goals,
  withKey,
  currency,
}: {
  result?: FormResult | null
  defaults?: MetricDefaults
  goals: readonly { key: string; name: string }[]
  withKey: boolean
  currency: string
}) {
  const v = (name: keyof MetricDefaults) => {
    const d = defaults[name]
    return d === null || d === undefined ? undefined : String(d)
  }
  return (
    <div className="metric-form">
      <div className="form-grid">
        <Field name="name" label="Name" required result={result} defaultValue={v('name')} placeholder="MQL→SQL conversion" />
        {withKey ? (
          <Field
            name="key"
            label="Key"
            required
            result={result}
            defaultValue={v('key')}
            placeholder="mql_to_sql"
            hint="How imports and the API name it; lowercase, fixed once created."
          />
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="field-definition">Definition</label>
        <textarea
          id="field-definition"
          name="definition"
          rows={3}
          defaultValue={result?.values.definition ?? v('definition')}
          placeholder="How it is computed, in words everyone agrees on: SQLs accepted by sales in the month ÷ MQLs created in the month."
        />
        {result?.errors.definition ? <span className="field-error">{result.errors.definition.join(' ')}</span> : null}
      </div>
      <div className="form-grid three">
        <SelectField
          name="unit"
          label="Unit"
          result={result}
          defaultValue={v('unit') ?? 'count'}
          options={UNITS.map((u) => ({ value: u, label: UNIT_LABELS[u] }))}
        />
        <Field name="currency" label="Currency code" result={result} defaultValue={v('currency') ?? currency} maxLength={3} />
        <SelectField
          name="aggregation"
          label="Over time"
          result={result}
          defaultValue={v('aggregation') ?? 'sum'}
          options={AGGREGATIONS.map((a) => ({ value: a, label: AGGREGATION_LABELS[a] }))}
        />
        <SelectField
          name="direction"
          label="Direction"
          result={result}
          defaultValue={v('direction') ?? 'higher'}
          options={DIRECTIONS.map((d) => ({ value: d, label: DIRECTION_LABELS[d] }))}
        />
        <SelectField
          name="indicator"
          label="Indicator"
          result={result}
          defaultValue={v('indicator') ?? 'leading'}
          options={INDICATOR_KINDS.map((k) => ({ value: k, label: k === 'leading' ? 'Leading (moves first)' : 'Lagging (the outcome)' }))}
        />
        <SelectField
          name="ownerFunction"
          label="Owner"
          result={result}
          defaultValue={v('ownerFunction') ?? ''}
          options={[{ value: '', label: 'No owner yet' }, ...FUNCTIONS.map((f) => ({ value: f, label: FUNCTION_LABELS[f] }))]}
        />
        <Field name="sourceSystem" label="Source system" result={result} defaultValue={v('sourceSystem')} placeholder="Salesforce" />
        <SelectField
          name="goalKey"
          label="Feeds goal"
          result={result}
          defaultValue={v('goalKey') ?? ''}
          options={[{ value: '', label: 'None' }, ...goals.map((g) => ({ value: g.key, label: g.name }))]}
        />
        <Field
          name="funnelStep"
          label="Funnel step"
          type="number"
          min={1}
          max={20}
          result={result}
          defaultValue={v('funnelStep')}
          hint="1 for MQLs, 2 for SQLs… empty if not a step."
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          name="northStar"
          defaultChecked={result ? result.values.northStar === 'on' : (defaults.northStar ?? false)}
        />
        <span>
          <strong>North-star metric</strong>
          <span className="muted"> — the shared goal everyone works toward, shown first everywhere.</span>
        </span>
      </label>
    </div>
  )
}
