// For a table that matches no session preset: say which column holds the
// expiry and how, and the page opens again with that rule (a plain GET form,
// so the address can be shared and the rule is checked like any other).
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function CustomExpiryForm({ action, schema, table, values, withTtl }: { action: string; schema: string; table: string; values: { expiryColumn?: string; expiryType?: string; ttlSeconds?: string }; withTtl: boolean }) {
  return (
    <form method="get" action={action} className="space-y-4" aria-label="Custom expiry rule">
      <input type="hidden" name="schema" value={schema} />
      <input type="hidden" name="table" value={table} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Field id="expiryColumn" name="expiryColumn" label="Expiry column" defaultValue={values.expiryColumn ?? ''} hint="The column that says when a session expires (or was last used, with a TTL)." required />
        <div className="space-y-1">
          <label htmlFor="expiryType" className="block text-sm font-medium text-slate-700">
            Column holds
          </label>
          <select
            id="expiryType"
            name="expiryType"
            defaultValue={values.expiryType ?? 'timestamp'}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-slate-500 focus:outline-none focus:ring-1 focus:ring-slate-500"
          >
            <option value="timestamp">a timestamp</option>
            <option value="epoch-s">epoch seconds</option>
            <option value="epoch-ms">epoch milliseconds</option>
          </select>
          <p className="text-xs text-slate-500">How the column stores the moment.</p>
        </div>
        {withTtl && (
          <Field id="customTtl" name="ttlSeconds" label="TTL (s)" inputMode="numeric" defaultValue={values.ttlSeconds ?? ''} placeholder="none" hint="Blank: expired when the column is before now. A number: when it is older than that." />
        )}
      </div>
      <Button type="submit">Use this rule</Button>
    </form>
  );
}
