import { useFetcher } from '@remix-run/react'
import { AlertTriangle, CheckCircle2 } from 'lucide-react'
import { useEffect, useRef } from 'react'
import { STATUS_LABELS, type FeasibilityStatus } from '#app/domain/feasibility.ts'

export interface Impact {
  narrativeId: string
  title: string
  status: string
  requirements: { id: string; from: FeasibilityStatus; to: FeasibilityStatus; reason: string }[]
}

/**
 * Inside a system form: whenever a field changes, asks the server what saving would break
 * (intent "preview", nothing written) and says so before anyone presses Save.
 */
export function ImpactPreview() {
  const fetcher = useFetcher<{ impact?: Impact[] | null }>()
  const submit = useRef(fetcher.submit)
  submit.current = fetcher.submit
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const form = box.current?.closest('form')
    if (!form) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const onChange = () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        const data = new FormData(form)
        data.set('intent', 'preview')
        submit.current(data, { method: 'post' })
      }, 250)
    }
    form.addEventListener('change', onChange)
    return () => {
      clearTimeout(timer)
      form.removeEventListener('change', onChange)
    }
  }, [])
  const impact = fetcher.data?.impact
  return (
    <div ref={box} aria-live="polite" className="impact">
      {impact && impact.length ? (
        <div className="impact-warning" role="status">
          <AlertTriangle size={16} aria-hidden />
          <div>
            <strong>
              Saving this makes {impact.reduce((n, i) => n + i.requirements.length, 0)} requirement
              {impact.reduce((n, i) => n + i.requirements.length, 0) === 1 ? '' : 's'} worse:
            </strong>
            <ul>
              {impact.map((n) => (
                <li key={n.narrativeId}>
                  “{n.title}”
                  {n.status === 'approved' || n.status === 'in_review' ? ` (${n.status === 'approved' ? 'approved' : 'in review'})` : ''}:{' '}
                  {n.requirements
                    .map((r) => `${STATUS_LABELS[r.from].toLowerCase()} → ${STATUS_LABELS[r.to].toLowerCase()}, ${r.reason}`)
                    .join('; ')}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : impact ? (
        <p className="impact-ok">
          <CheckCircle2 size={14} aria-hidden /> No requirement gets worse with this change.
        </p>
      ) : null}
    </div>
  )
}
