// For a table that matches no session preset: say which column holds the
// expiry and how, and the page opens again with that rule (a plain GET form,
// so the address can be shared and the rule is checked like any other).
import { Button } from '@/components/ui/button';
import { ExpiryFields, type ExpiryValues } from './expiry-fields';

export function CustomExpiryForm({ action, schema, table, values, withTtl }: { action: string; schema: string; table: string; values: ExpiryValues; withTtl: boolean }) {
  return (
    <form method="get" action={action} className="space-y-4" aria-label="Custom expiry rule">
      <input type="hidden" name="schema" value={schema} />
      <input type="hidden" name="table" value={table} />
      <ExpiryFields values={values} withTtl={withTtl} />
      <Button type="submit">Use this rule</Button>
    </form>
  );
}
