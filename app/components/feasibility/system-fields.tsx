import { Field, SelectField, type FormResult } from '#app/components/form.tsx'
import {
  CATEGORY_LABELS,
  LIFECYCLE_LABELS,
  LIFECYCLES,
  SYSTEM_CATEGORIES,
  type Lifecycle,
  type SystemCategory,
} from '#app/domain/inventory.ts'
import { TextAreaField } from './form-dialog.tsx'

export interface SystemDefaults {
  name: string
  vendor: string
  category: SystemCategory
  ownerId: string | null
  lifecycle: Lifecycle
  endDate: string | null
  renewalDate: string | null
  annualCost: number | null
  seatsPaid: number | null
  seatsUsed: number | null
  notes: string
}

/** The fields of a system, shared by "New system" and "Edit system". */
export function SystemFields({
  result,
  members,
  system,
}: {
  result: FormResult | null
  members: { id: string; name: string }[]
  system?: SystemDefaults
}) {
  // Field spreads its props after the kept value, so pass what was typed ourselves after a refusal.
  const v = (name: string, x: string | number | null | undefined) =>
    result?.values[name] ?? (x === null || x === undefined ? '' : String(x))
  return (
    <div className="form-grid">
      <Field name="name" label="Name" required result={result} defaultValue={v('name', system?.name)} placeholder="Salesforce" autoFocus />
      <Field name="vendor" label="Vendor" result={result} defaultValue={v('vendor', system?.vendor)} placeholder="Salesforce, Inc." />
      <SelectField
        name="category"
        label="Category"
        result={result}
        defaultValue={system?.category ?? 'crm'}
        options={SYSTEM_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
      />
      <SelectField
        name="ownerId"
        label="Owner"
        result={result}
        defaultValue={system?.ownerId ?? ''}
        options={[{ value: '', label: 'No owner' }, ...members.map((m) => ({ value: m.id, label: m.name }))]}
      />
      <SelectField
        name="lifecycle"
        label="Lifecycle"
        result={result}
        defaultValue={system?.lifecycle ?? 'active'}
        options={LIFECYCLES.map((l) => ({ value: l, label: LIFECYCLE_LABELS[l] }))}
      />
      <Field
        name="endDate"
        label="End date"
        type="date"
        result={result}
        defaultValue={v('endDate', system?.endDate)}
        hint="When a system phasing out is switched off"
      />
      <Field name="renewalDate" label="Contract renewal" type="date" result={result} defaultValue={v('renewalDate', system?.renewalDate)} />
      <Field
        name="annualCost"
        label="Annual cost (USD)"
        inputMode="decimal"
        result={result}
        defaultValue={v('annualCost', system?.annualCost)}
        placeholder="48000"
      />
      <Field name="seatsPaid" label="Seats paid" inputMode="numeric" result={result} defaultValue={v('seatsPaid', system?.seatsPaid)} />
      <Field name="seatsUsed" label="Seats used" inputMode="numeric" result={result} defaultValue={v('seatsUsed', system?.seatsUsed)} />
      <div className="span-2">
        <TextAreaField name="notes" label="Notes" result={result} defaultValue={v('notes', system?.notes)} />
      </div>
    </div>
  )
}
