import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { ArrowLeft } from 'lucide-react'
import { FormMessage, isFormResult } from '#app/components/form.tsx'
import { MetricFields } from '#app/components/metrics/metric-form.tsx'
import { forbidden } from '#app/domain/errors.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { assertCanEditMetrics, getMetricContext, metricAbilities } from '#app/services/metrics/context.server.ts'
import { createMetric, listMetricsFor } from '#app/services/metrics/dictionary.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'New metric · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    if (!metricAbilities(actor).edit) throw forbidden('Only owners and editors define metrics')
    const [metrics, ctx] = await Promise.all([listMetricsFor(actor), getMetricContext(actor)])
    return json({ goals: metrics.map((m) => ({ key: m.key, name: m.name })), currency: ctx.currency })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    assertCanEditMetrics(actor)
    const input = parseOrThrow(MetricInputSchema, { ...values, northStar: values.northStar ?? 'false' })
    const m = await createMetric(actor, input)
    return redirect(`/metrics/${m.key}`)
  })
}

export default function NewMetricPage() {
  const { goals, currency } = useLoaderData<typeof loader>()
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
          <h1>New metric</h1>
          <p>Define it once, in words sales, marketing and finance agree on. Targets and actuals come next.</p>
        </div>
      </div>
      <Form method="post" className="card card-body" noValidate>
        <FormMessage result={result} />
        <MetricFields result={result} goals={goals} withKey currency={currency} />
        <div className="dialog-actions">
          <Link to="/metrics" className="button secondary">
            Cancel
          </Link>
          <button type="submit" className="button" disabled={busy}>
            Create metric
          </button>
        </div>
      </Form>
    </div>
  )
}
