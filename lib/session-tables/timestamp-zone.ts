// In which zone a session table's naive timestamps (PostgreSQL `timestamp
// without time zone`, MySQL `DATETIME` / `DATE`) were written. The column
// itself does not say: ActiveRecord and Django (USE_TZ=True, on MySQL) write
// UTC wall-clock time, connect-pg-simple writes `to_timestamp(n)`, i.e. the
// wall clock of the writing connection's TimeZone (by default the database's
// setting), and a Django site with USE_TZ=False writes its TIME_ZONE. Reading
// the column in the wrong zone moves the cutoff by hours and deletes live
// sessions, so the zone is always stated: by the operator, by the target's
// configuration, or by the preset, in that order; never guessed.
import { z } from 'zod';

/** `utc`, `server` (the target's own setting, read from it), an IANA zone, or a fixed offset like +09:00. */
export type TimestampZone = string;

const OFFSET = /^[+-](\d{2}):(\d{2})$/;

/** Whether Node's time-zone data knows this IANA name (Intl throws a RangeError otherwise). */
function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Canonical spelling: `utc` and `server` lower-case, offsets as given, IANA names as Intl spells them. */
export function normalizeZone(raw: string): TimestampZone | null {
  const s = raw.trim();
  const lower = s.toLowerCase();
  if (lower === 'utc' || lower === 'z' || lower === 'etc/utc' || lower === '+00:00') return 'utc';
  if (lower === 'server') return 'server';
  const m = OFFSET.exec(s);
  if (m) return Number(m[1]) <= 14 && Number(m[2]) <= 59 ? s : null;
  if (s.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(s) || !isIanaZone(s)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
}

export const ZONE_HELP = 'utc, server, an IANA zone like Europe/Berlin, or an offset like +09:00';

/** Form field, CLI flag and config value: one schema, one message. */
export const timestampZoneSchema = z
  .string({ error: `Timestamp zone must be ${ZONE_HELP}` })
  .transform((s, ctx) => {
    const zone = normalizeZone(s);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: `Timestamp zone must be ${ZONE_HELP} (got "${s.slice(0, 40)}")` });
      return z.NEVER;
    }
    return zone;
  });

/**
 * The zone a table's naive timestamps are read in: the operator's choice
 * (flag, form field, or a resumed run's stored zone), else the target's
 * configured zone, else the preset's. null: nobody said, and a naive column
 * is then refused rather than guessed.
 */
export function chooseZone(o: { given?: TimestampZone | null; target?: TimestampZone | null; preset?: TimestampZone | null }): TimestampZone | null {
  return o.given ?? o.target ?? o.preset ?? null;
}
