// Target connection URLs: validated once, kept server-side. Only `name` and
// `dialect` ever leave this module's callers for the UI.
import { z } from 'zod';
import { AppError } from '../errors';

export type Dialect = 'postgres' | 'mysql';

export type TargetConfig = {
  /** lower-case name from JANITOR_TARGET_<NAME>, or "url" for an ad-hoc --url */
  name: string;
  dialect: Dialect;
  /** never log, render or put in an error message */
  url: string;
  host: string;
  database: string;
  /** where unqualified table names live: public on PostgreSQL, the database on MySQL */
  defaultSchema: string;
  /** zone the target's applications write naive timestamps in (JANITOR_TIMESTAMP_ZONE_<NAME>); null: the presets' */
  timestampZone?: string | null;
};

const SCHEMES: Record<string, Dialect> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

export const targetNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'target names are letters, digits, _ and - (at most 63)');

/**
 * @param name  target name (any case; stored lower-case)
 * @param raw   the URL
 * @param label how to name the source in an error, e.g. JANITOR_TARGET_MAIN or --url
 */
export function parseTargetUrl(name: string, raw: string, label: string): TargetConfig {
  const lowered = name.toLowerCase();
  const nameOk = targetNameSchema.safeParse(lowered);
  if (!nameOk.success) throw new AppError(`${label}: ${nameOk.error.issues[0]!.message}`, 'config');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // Said without "scheme://": the redaction of connection strings would turn it into "postgresql://[redacted]".
    throw new AppError(`${label} is not a valid URL: give a postgresql, postgres, mysql or mariadb URL with user, password, host and database`, 'config');
  }
  const dialect = SCHEMES[url.protocol];
  if (!dialect) {
    const scheme = url.protocol.replace(/:$/, '').slice(0, 20);
    throw new AppError(`${label} has unsupported scheme "${scheme}" (use postgresql://, postgres://, mysql:// or mariadb://)`, 'config');
  }
  if (!url.hostname) throw new AppError(`${label} has no host`, 'config');
  // The drivers decode these parts too; a stray "%" would surface later as a bare URIError.
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new AppError(`${label} has a malformed %-escape in its ${what} (percent-encode special characters, e.g. % as %25)`, 'config');
    }
  };
  decode(url.username, 'user name');
  decode(url.password, 'password');
  const database = decode(url.pathname.replace(/^\//, ''), 'database name');
  if (dialect === 'mysql' && !database) {
    throw new AppError(`${label} names no database (mysql://user:pass@host:3306/DATABASE)`, 'config');
  }
  const db = database || 'postgres';
  return { name: lowered, dialect, url: url.toString(), host: url.hostname, database: db, defaultSchema: dialect === 'postgres' ? 'public' : db };
}
