// What the cleanup and log-out pages show when the table in the address cannot
// be used as it is: a table that does not exist (say so, and the way back), or
// one that matches no session preset (ask for a custom expiry rule).
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { CustomExpiryForm } from './custom-expiry-form';

export function SpecProblem(props: {
  target: string;
  path: string;
  schema: string | undefined;
  table: string | undefined;
  message: string;
  kind: 'missing' | 'needs-rule' | 'bad-input' | 'failed';
  values: { expiryColumn?: string; expiryType?: string; ttlSeconds?: string };
  withTtl: boolean;
}) {
  const report = (
    <Link href={`/targets/${props.target}`} className="font-medium underline">
      space report
    </Link>
  );
  if (props.kind === 'failed') return <Alert tone="error">{props.message}</Alert>;
  if (props.kind === 'missing' || !props.table) {
    return (
      <Alert tone="error">
        {props.message}. Pick a table from the {report}: session tables have their own buttons there.
      </Alert>
    );
  }
  return (
    <div className="space-y-4">
      <Alert tone={props.kind === 'needs-rule' ? 'info' : 'error'}>
        {props.kind === 'needs-rule'
          ? `${props.schema ? `${props.schema}.` : ''}${props.table} does not look like a table of a framework Janitor knows (Django, Rails, Laravel, connect-pg-simple, express-mysql-session). Say which column decides when a session has expired.`
          : `${props.message}.`}
      </Alert>
      <Card title="Custom expiry rule">
        <CustomExpiryForm action={props.path} schema={props.schema ?? ''} table={props.table} values={props.values} withTtl={props.withTtl} />
      </Card>
    </div>
  );
}
