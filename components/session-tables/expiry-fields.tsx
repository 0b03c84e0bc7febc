// The fields of a custom expiry rule: which column, what it holds, and an
// optional TTL. Shared by the custom-rule form of the cleanup pages and the
// schedules page's "Add schedule" form.
import { Field } from '@/components/ui/field';

export type ExpiryValues = { expiryColumn?: string; expiryType?: string; ttlSeconds?: string };

export function ExpiryFields({ values, withTtl, errors = {}, idPrefix = '' }: { values: ExpiryValues; withTtl: boolean; errors?: Partial<Record<keyof ExpiryValues, string>>; idPrefix?: string }) {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
      <Field id={`${idPrefix}expiryColumn`} name="expiryColumn" label="Expiry column" defaultValue={values.expiryColumn ?? ''} error={errors.expiryColumn} hint="The column that says when a session expires (or was last used, with a TTL)." required />
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}expiryType`} className="block text-sm font-medium text-slate-700">
          Column holds
        </label>
        <select
          id={`${idPrefix}expiryType`}
          name="expiryType"
          defaultValue={values.expiryType ?? 'timestamp'}
          aria-invalid={errors.expiryType ? true : undefined}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500 aria-invalid:border-red-500"
        >
          <option value="timestamp">a timestamp</option>
          <option value="epoch-s">epoch seconds</option>
          <option value="epoch-ms">epoch milliseconds</option>
        </select>
        {errors.expiryType ? <p className="text-xs text-red-600">{errors.expiryType}</p> : <p className="text-xs text-slate-500">How the column stores the moment.</p>}
      </div>
      {withTtl && (
        <Field id={`${idPrefix}customTtl`} name="ttlSeconds" label="TTL (s)" inputMode="numeric" defaultValue={values.ttlSeconds ?? ''} error={errors.ttlSeconds} placeholder="none" hint="Blank: expired when the column is before now. A number: when it is older than that." />
      )}
    </div>
  );
}
