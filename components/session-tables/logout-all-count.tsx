// How many sessions "log everyone out" will end, counted exactly on the
// server (it may scan the table, so it streams in after the form).
import 'server-only';
import { previewLogoutAll } from '@/lib/session-tables/logout-all-preview';
import { toUserMessage } from '@/lib/errors';
import { formatCount } from '@/lib/format';
import { formatUtc } from '@/lib/format-time';
import { Alert } from '@/components/ui/alert';
import { Stat } from '@/components/ui/stat';

export async function LogoutAllCount({ target, spec }: { target: string; spec: { schema: string; table: string; preset: string | null; expiryColumn: string; expiryType: string } }) {
  let p;
  try {
    p = await previewLogoutAll({
      target: { target },
      spec: spec.preset ? { schema: spec.schema, table: spec.table, preset: spec.preset } : { schema: spec.schema, table: spec.table, expiryColumn: spec.expiryColumn, expiryType: spec.expiryType },
    });
  } catch (e) {
    return <Alert tone="error">Cannot count the sessions: {toUserMessage(e)}</Alert>;
  }
  const withoutExpiry = p.rows - p.sessions;
  return (
    <div className="space-y-3" data-testid="logout-all-count">
      <dl>
        <Stat label="Sessions it will end" value={formatCount(p.sessions)} hint={`every session in ${p.schema}.${p.table}, expired or not; counted ${formatUtc(new Date().toISOString(), { seconds: true })}`} />
      </dl>
      {withoutExpiry > 0 && (
        <p className="text-xs text-slate-600">
          {formatCount(withoutExpiry)} more row{withoutExpiry === 1 ? ' has' : 's have'} no {p.expiryColumn}: the graceful run keeps {withoutExpiry === 1 ? 'it' : 'them'}, TRUNCATE removes{' '}
          {withoutExpiry === 1 ? 'it' : 'them'} too.
        </p>
      )}
      <p className="text-xs text-slate-500">Sessions created from now on are deleted too if the run reaches them. {p.server}.</p>
    </div>
  );
}
