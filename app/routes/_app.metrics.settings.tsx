import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { ArrowLeft } from 'lucide-react'
import { Field, FormMessage, isFormResult, SelectField } from '#app/components/form.tsx'
import { forbidden } from '#app/domain/errors.ts'
import { describeFiscalYear, MONTH_NAMES, periodOf, today } from '#app/domain/periods.ts'
import { MetricSettingsSchema } from '#app/schemas/metrics.ts'
import {
  assertCanEditMetricSettings,
  getMetricSettingsFor,
  metricAbilities,
  updateMetricSettings,
} from '#app/services/metrics/context.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'Metric settings · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    if (!metricAbilities(actor).settings) throw forbidden('Only workspace owners change the fiscal year and thresholds')
    const s = await getMetricSettingsFor(actor)
    const cal = { startMonth: s.fiscalYearStartMonth }
    return json({ settings: s, example: describeFiscalYear(periodOf(today(), 'year', cal).year, cal) })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    assertCanEditMetricSettings(actor)
    await updateMetricSettings(actor, parseOrThrow(MetricSettingsSchema, values))
    return json({ ok: true as const })
  })
}

export default function MetricSettingsPage() {
  const { settings, example } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="page narrow-page">
      <Link to="/metrics" className="back-link">
        <ArrowLeft size={14} aria-hidden /> Metrics
      </Link>
      <div className="page-header">
        <div>
          <h1>Fiscal year and health</h1>
          <p>How periods are named and when a metric counts as on track, behind or at risk — the same for every team.</p>
        </div>
      </div>
      <Form method="post" className="card card-body" noValidate>
        {data && !result ? (
          <div className="notice" role="status">
            Saved.
          </div>
        ) : null}
        <FormMessage result={result} />
        <SelectField
          name="fiscalYearStartMonth"
          label="Fiscal year starts in"
          result={result}
          defaultValue={String(settings.fiscalYearStartMonth)}
          options={MONTH_NAMES.map((m, i) => ({ value: String(i + 1), label: m }))}
        />
        <p className="hint settings-hint">
          Fiscal years are named after the year they end in: {example}. Quarter and year targets follow the fiscal year.
        </p>
        <div className="form-grid three">
          <Field
            name="onTrackPercent"
            label="On track from (% of target)"
            inputMode="decimal"
            result={result}
            defaultValue={String(Math.round(settings.onTrackThreshold * 1000) / 10)}
          />
          <Field
            name="atRiskPercent"
            label="At risk below (% of target)"
            inputMode="decimal"
            result={result}
            defaultValue={String(Math.round(settings.atRiskThreshold * 1000) / 10)}
          />
          <Field name="currency" label="Workspace currency" maxLength={3} result={result} defaultValue={settings.currency} />
        </div>
        <p className="hint">
          Between the two thresholds a metric is behind. For lower-is-better metrics (cost, cycle time) being under target counts as above
          100%.
        </p>
        <div className="dialog-actions">
          <button type="submit" className="button" disabled={busy}>
            Save settings
          </button>
        </div>
      </Form>
    </div>
  )
}
