import { Plus, X } from 'lucide-react'
import { useState } from 'react'
import { Field, SelectField, type FormResult } from '#app/components/form.tsx'
import { TextAreaField } from '#app/components/feasibility/form-dialog.tsx'
import {
  EFFORT_LABELS,
  EFFORT_SIZES,
  INITIATIVE_STATUSES,
  INITIATIVE_STATUS_LABELS,
  HORIZONS,
  HORIZON_LABELS,
  timeframeLabel,
} from '#app/domain/prioritisation.ts'

export interface FormOptions {
  members: { id: string; name: string }[]
  metrics: { key: string; name: string }[]
  narratives: { id: string; title: string }[]
  quarters: string[]
}

interface ImpactDraft {
  metric: string
  expectedChange: string
  confidence: string
}

/** The fields of an initiative (create and edit), with an editor for its expected impacts. */
export function InitiativeFields({
  result,
  options,
  initial,
}: {
  result: FormResult | null
  options: FormOptions
  initial?: {
    title: string
    description: string
    ownerId: string | null
    narrativeId: string | null
    timeframe: string
    status: string
    effort: string
    effortWeeks: number | null
    impacts: { metricKey: string; expectedChange: number; confidence: number }[]
  }
}) {
  const kept = result?.values.impacts
  const [impacts, setImpacts] = useState<ImpactDraft[]>(() => {
    if (kept) {
      try {
        return (JSON.parse(kept) as ImpactDraft[]).map((i) => ({
          metric: i.metric,
          expectedChange: String(i.expectedChange),
          confidence: String(i.confidence),
        }))
      } catch {
        /* fall through */
      }
    }
    return (initial?.impacts ?? []).map((i) => ({
      metric: i.metricKey,
      expectedChange: String(i.expectedChange),
      confidence: String(i.confidence),
    }))
  })
  const encoded = JSON.stringify(
    impacts.filter((i) => i.metric).map((i) => ({ metric: i.metric, expectedChange: i.expectedChange, confidence: i.confidence })),
  )
  const timeframes = [
    ...options.quarters.map((q) => ({ value: q, label: timeframeLabel(q) })),
    ...HORIZONS.map((h) => ({ value: h, label: HORIZON_LABELS[h] })),
  ]
  const impactErrors = result ? Object.entries(result.errors).filter(([k]) => k.startsWith('impacts')) : []
  return (
    <>
      <Field name="title" label="Title" result={result} defaultValue={initial?.title} required maxLength={200} autoFocus />
      <TextAreaField
        name="description"
        label="Why this, why now"
        result={result}
        defaultValue={initial?.description}
        rows={3}
        id="initiative-description"
      />
      <div className="grid-2">
        <SelectField
          name="timeframe"
          label="Timeframe"
          result={result}
          defaultValue={initial?.timeframe ?? options.quarters[0]}
          options={timeframes}
        />
        <SelectField
          name="status"
          label="Status"
          result={result}
          defaultValue={initial?.status ?? 'proposed'}
          options={INITIATIVE_STATUSES.map((s) => ({ value: s, label: INITIATIVE_STATUS_LABELS[s] }))}
        />
        <SelectField
          name="ownerId"
          label="Owner"
          result={result}
          defaultValue={initial?.ownerId ?? ''}
          options={[{ value: '', label: 'No owner' }, ...options.members.map((m) => ({ value: m.id, label: m.name }))]}
        />
        <SelectField
          name="narrativeId"
          label="Narrative"
          result={result}
          defaultValue={initial?.narrativeId ?? ''}
          options={[{ value: '', label: 'Not linked' }, ...options.narratives.map((n) => ({ value: n.id, label: n.title }))]}
        />
        <SelectField
          name="effort"
          label="Effort"
          result={result}
          defaultValue={initial?.effort ?? 'M'}
          options={EFFORT_SIZES.map((s) => ({ value: s, label: EFFORT_LABELS[s] }))}
        />
        <Field
          name="effortWeeks"
          label="Or person-weeks"
          result={result}
          defaultValue={initial?.effortWeeks ? String(initial.effortWeeks) : ''}
          inputMode="decimal"
          hint="When given, it is the effort divisor."
        />
      </div>
      <fieldset className="impacts-editor">
        <legend>Expected impact on shared metrics</legend>
        <p className="hint">Change in percent (+6 for +6%) and how sure you are (0–100%). This is what the priority score is made of.</p>
        <input type="hidden" name="impacts" value={encoded} />
        <datalist id="metric-keys">
          {options.metrics.map((m) => (
            <option key={m.key} value={m.key}>
              {m.name}
            </option>
          ))}
        </datalist>
        {impacts.map((impact, n) => (
          <div className="impact-row" key={n}>
            <label>
              <span className="visually-hidden">Metric {n + 1}</span>
              <select
                value={impact.metric}
                onChange={(e) => setImpacts(impacts.map((x, i) => (i === n ? { ...x, metric: e.target.value } : x)))}
                aria-label={`Metric ${n + 1}`}
              >
                <option value="">Choose a metric…</option>
                {options.metrics.map((m) => (
                  <option key={m.key} value={m.key}>
                    {m.name}
                  </option>
                ))}
                {impact.metric && !options.metrics.some((m) => m.key === impact.metric) ? (
                  <option value={impact.metric}>{impact.metric}</option>
                ) : null}
              </select>
            </label>
            <label className="impact-num">
              <input
                inputMode="decimal"
                value={impact.expectedChange}
                onChange={(e) => setImpacts(impacts.map((x, i) => (i === n ? { ...x, expectedChange: e.target.value } : x)))}
                aria-label={`Expected change ${n + 1} in percent`}
              />
              <span aria-hidden>%</span>
            </label>
            <label className="impact-num">
              <input
                inputMode="decimal"
                value={String(Math.round(Number(impact.confidence) * 100) || '')}
                onChange={(e) =>
                  setImpacts(impacts.map((x, i) => (i === n ? { ...x, confidence: String(Number(e.target.value) / 100) } : x)))
                }
                aria-label={`Confidence ${n + 1} in percent`}
              />
              <span aria-hidden>% sure</span>
            </label>
            <button
              type="button"
              className="button ghost small icon"
              aria-label={`Remove impact ${n + 1}`}
              onClick={() => setImpacts(impacts.filter((_, i) => i !== n))}
            >
              <X size={16} aria-hidden />
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button secondary small"
          onClick={() => setImpacts([...impacts, { metric: options.metrics[0]?.key ?? '', expectedChange: '5', confidence: '0.5' }])}
        >
          <Plus size={16} aria-hidden /> Add an expected impact
        </button>
        {impactErrors.length ? (
          <span className="field-error" role="alert">
            {impactErrors.map(([, m]) => m?.join(' ')).join(' ')}
          </span>
        ) : null}
      </fieldset>
    </>
  )
}
