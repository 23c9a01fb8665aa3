import type { InputHTMLAttributes, ReactNode } from 'react'

/** What a form action answers when input is refused: messages per field and the typed values. */
export interface FormResult {
  ok: false
  message: string
  errors: Record<string, string[] | undefined>
  values: Record<string, string | undefined>
}

export function isFormResult(data: unknown): data is FormResult {
  return typeof data === 'object' && data !== null && (data as { ok?: unknown }).ok === false
}

/** A labelled input with its error message, keeping what the user typed after a refusal. */
export function Field({
  name,
  label,
  result,
  hint,
  defaultValue,
  idPrefix = 'field',
  ...input
}: {
  name: string
  label: string
  result?: FormResult | null
  hint?: ReactNode
  idPrefix?: string
} & InputHTMLAttributes<HTMLInputElement>) {
  const errors = result?.errors[name]
  const id = `${idPrefix}-${name}`
  const describedBy = [errors ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        defaultValue={input.type === 'password' ? undefined : (result?.values[name] ?? defaultValue)}
        aria-invalid={errors ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
      {errors ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {errors.join(' ')}
        </span>
      ) : null}
    </div>
  )
}

export function SelectField({
  name,
  label,
  options,
  result,
  defaultValue,
  idPrefix = 'field',
}: {
  name: string
  label: string
  options: readonly { value: string; label: string }[]
  result?: FormResult | null
  defaultValue?: string
  /** Distinguishes the ids of several forms with the same fields on one page. */
  idPrefix?: string
}) {
  const errors = result?.errors[name]
  const id = `${idPrefix}-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={result?.values[name] ?? defaultValue} aria-invalid={errors ? true : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errors ? (
        <span className="field-error" role="alert">
          {errors.join(' ')}
        </span>
      ) : null}
    </div>
  )
}

/** The form-level message, shown when a refusal is not about one field. */
export function FormMessage({ result }: { result?: FormResult | null }) {
  if (!result) return null
  const fieldCount = Object.keys(result.errors).filter((k) => k !== '_form').length
  if (fieldCount > 0 && result.message === 'Some fields need attention') return null
  return (
    <div className="form-error" role="alert">
      {result.message}
    </div>
  )
}
