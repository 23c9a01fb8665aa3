import * as Dialog from '@radix-ui/react-dialog'
import { useFetcher } from '@remix-run/react'
import { Download } from 'lucide-react'
import { useEffect, useState, type ReactNode } from 'react'
import { FormMessage, isFormResult, type FormResult } from '#app/components/form.tsx'

/**
 * A dialog holding one form, submitted with a fetcher: refusals show next to their fields and
 * keep what was typed; success closes it (and a redirect from the action navigates).
 */
export function FormDialog({
  trigger,
  title,
  description,
  action,
  intent,
  submitLabel,
  danger,
  children,
}: {
  trigger: ReactNode
  title: string
  description?: ReactNode
  action?: string
  intent: string
  submitLabel: string
  danger?: boolean
  children: (result: FormResult | null) => ReactNode
}) {
  const fetcher = useFetcher<unknown>()
  const [open, setOpen] = useState(false)
  const result = isFormResult(fetcher.data) ? fetcher.data : null
  const busy = fetcher.state !== 'idle'
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data && !isFormResult(fetcher.data)) setOpen(false)
  }, [fetcher.state, fetcher.data])
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-wide form-dialog" {...(description ? {} : { 'aria-describedby': undefined })}>
          <Dialog.Title asChild>
            <h2>{title}</h2>
          </Dialog.Title>
          {description ? <Dialog.Description className="dialog-description">{description}</Dialog.Description> : null}
          <fetcher.Form method="post" action={action} noValidate>
            <input type="hidden" name="intent" value={intent} />
            <FormMessage result={result} />
            {/* Remount after a refusal so fields show the kept values. */}
            <div key={result ? JSON.stringify(result.values) : 'fresh'}>{children(result)}</div>
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button" className="button secondary">
                  Cancel
                </button>
              </Dialog.Close>
              <button type="submit" className={`button${danger ? ' danger' : ''}`} disabled={busy}>
                {busy ? 'Saving…' : submitLabel}
              </button>
            </div>
          </fetcher.Form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

/** A link that downloads the CSV export of one kind. */
export function ExportLink({ kind, label = 'Export CSV' }: { kind: 'systems' | 'support' | 'integrations'; label?: string }) {
  return (
    <a className="button ghost small" href={`/stack/export/${kind}`} download>
      <Download size={14} aria-hidden /> {label}
    </a>
  )
}

/** A multi-line text field with its error, in the style of Field. */
export function TextAreaField({
  name,
  label,
  result,
  defaultValue,
  hint,
  rows = 3,
  id: givenId,
}: {
  name: string
  label: string
  result?: FormResult | null
  defaultValue?: string
  hint?: string
  rows?: number
  /** When another form on the page has a field of the same name. */
  id?: string
}) {
  const errors = result?.errors[name]
  const id = givenId ?? `field-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={result?.values[name] ?? defaultValue}
        aria-invalid={errors ? true : undefined}
      />
      {hint ? <span className="hint">{hint}</span> : null}
      {errors ? (
        <span className="field-error" role="alert">
          {errors.join(' ')}
        </span>
      ) : null}
    </div>
  )
}
