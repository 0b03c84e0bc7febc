import 'server-only';
import type { IndexStat } from '../../stats/types';
import { bloatOf, clusteredShape, neededPages, recordShape, type ColumnShape, type RecordShape } from './innodb-bloat';
import { indexKey, readInnodbIndexStats } from './innodb-index-stats';
import { toNumber, type MysqlSource } from './source';

type StatRow = { tableName: string; indexName: string; nonUnique: unknown; columnName: string | null; subPart: unknown; indexType: string };
type ColumnRow = {
  tableName: string; name: string; dataType: string; columnType: string; charMax: unknown; charOctets: unknown;
  precision: unknown; scale: unknown; fsp: unknown; nullable: string;
};
type TableRow = { tableName: string; engine: string | null; rows: unknown; dataLength: unknown; indexLength: unknown };

type IndexDef = { table: string; name: string; unique: boolean; type: string; columns: Array<{ name: string | null; subPart: number | null }> };

/**
 * Every index of the database with its size and an InnoDB bloat estimate, in
 * five catalog queries run side by side (no per-table queries): the index
 * list, the columns (for key widths), the tables (rows, data and index
 * length), the page size, and mysql.innodb_index_stats (pages per index).
 */
export async function listIndexes(src: MysqlSource): Promise<{ indexes: IndexStat[]; note: string }> {
  const db = src.databaseName;
  const [statRows, columnRows, tableRows, stats] = await Promise.all([
    src.query<StatRow>(
      `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique,
              COLUMN_NAME AS columnName, SUB_PART AS subPart, INDEX_TYPE AS indexType
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ?
        ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [db],
    ),
    src.query<ColumnRow>(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
              CHARACTER_MAXIMUM_LENGTH AS charMax, CHARACTER_OCTET_LENGTH AS charOctets,
              NUMERIC_PRECISION AS \`precision\`, NUMERIC_SCALE AS scale, DATETIME_PRECISION AS fsp, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ?
        ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [db],
    ),
    src.catalogQuery<TableRow>(
      `SELECT TABLE_NAME AS tableName, ENGINE AS engine, TABLE_ROWS AS \`rows\`, DATA_LENGTH AS dataLength, INDEX_LENGTH AS indexLength
         FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')`,
      [db],
    ),
    readInnodbIndexStats(src),
  ]);

  const columns = new Map<string, Map<string, ColumnShape>>();
  for (const c of columnRows) {
    let m = columns.get(c.tableName);
    if (!m) columns.set(c.tableName, (m = new Map()));
    m.set(c.name.toLowerCase(), {
      name: c.name,
      dataType: String(c.dataType).toLowerCase(),
      columnType: String(c.columnType),
      charMaxLength: toNumber(c.charMax),
      charOctetLength: toNumber(c.charOctets),
      numericPrecision: toNumber(c.precision),
      numericScale: toNumber(c.scale),
      datetimePrecision: toNumber(c.fsp),
      nullable: c.nullable === 'YES',
    });
  }

  const defs = new Map<string, IndexDef[]>();
  for (const r of statRows) {
    let list = defs.get(r.tableName);
    if (!list) defs.set(r.tableName, (list = []));
    let d = list.at(-1);
    if (!d || d.name !== r.indexName) {
      d = { table: r.tableName, name: r.indexName, unique: Number(r.nonUnique) === 0, type: String(r.indexType).toUpperCase(), columns: [] };
      list.push(d);
    }
    d.columns.push({ name: r.columnName, subPart: toNumber(r.subPart) });
  }

  const pageSize = stats.pageSize;
  const out: IndexStat[] = [];
  let apportioned = 0;
  let unpredictableRows = 0;
  for (const t of tableRows) {
    const list = defs.get(t.tableName);
    if (!list) continue;
    const cols = columns.get(t.tableName) ?? new Map<string, ColumnShape>();
    const rows = toNumber(t.rows) ?? 0;
    const dataLength = toNumber(t.dataLength) ?? 0;
    const indexLength = toNumber(t.indexLength) ?? 0;
    const innodb = String(t.engine ?? '').toLowerCase() === 'innodb';
    const clustered = innodb ? clusteredIndex(list, cols) : undefined;
    const pkColumns = clustered
      ? clustered.columns.map((c) => cols.get(String(c.name).toLowerCase())).filter((c): c is ColumnShape => !!c)
      : [];

    // Secondary record shapes, also the weights for splitting INDEX_LENGTH when per-index pages are unknown.
    const shapes = new Map<IndexDef, RecordShape | null>();
    for (const d of list) if (d !== clustered) shapes.set(d, secondaryShape(d, cols, pkColumns, innodb && !clustered));

    const sized = new Map<IndexDef, number>();
    const unsized: IndexDef[] = [];
    for (const d of list) {
      if (d === clustered) continue;
      const pages = stats.ok && innodb ? stats.byIndex.get(indexKey(t.tableName, d.name)) : undefined;
      if (pages) sized.set(d, pages.sizePages * pageSize);
      else unsized.push(d);
    }
    const split = splitBytes(unsized, shapes, Math.max(0, indexLength - [...sized.values()].reduce((a, b) => a + b, 0)));
    apportioned += unsized.length;

    for (const d of list) {
      const base = { schema: db, table: t.tableName, name: d.name, primary: d.name === 'PRIMARY', unique: d.unique, scans: null, bloatMethod: 'innodb' as const };
      if (d === clustered) {
        // The clustered index is the table: its leaves hold the rows, so its size is DATA_LENGTH.
        const pages = stats.ok ? stats.byIndex.get(indexKey(t.tableName, d.name)) : undefined;
        const shape = clusteredShape([...cols.values()], pageSize);
        if (pages && !shape) unpredictableRows++;
        const keyBytes = pkColumns.reduce((a, c) => a + (recordShape([{ col: c, prefixChars: null }])?.keyBytes ?? 0), 0);
        const bloat = pages && shape
          ? bloatOf(pages.sizePages, neededPages({ rows, pageSize, leaf: shape, nodeKeyBytes: keyBytes }), pageSize)
          : null;
        out.push({ ...base, bytes: dataLength, bloatBytes: bloat?.bloatBytes ?? null, bloatRatio: bloat?.bloatRatio ?? null });
        continue;
      }
      const bytes = sized.get(d);
      if (bytes === undefined) {
        out.push({ ...base, bytes: split.get(d) ?? 0, bloatBytes: null, bloatRatio: null });
        continue;
      }
      const shape = shapes.get(d);
      const bloat = shape && d.type === 'BTREE'
        ? bloatOf(bytes / pageSize, neededPages({ rows, pageSize, leaf: shape, nodeKeyBytes: shape.keyBytes }), pageSize)
        : null;
      out.push({ ...base, bytes, bloatBytes: bloat?.bloatBytes ?? null, bloatRatio: bloat?.bloatRatio ?? null });
    }
  }

  const method = 'bloat is an estimate: pages allocated minus the pages the rows would need at 15/16 fill, keys taken at their declared widths';
  let note: string;
  if (!stats.ok) {
    note = `${stats.reason}: primary keys show the table's data size, other index sizes are each table's INDEX_LENGTH split by key width, and bloat is not estimated.`;
  } else {
    note = `InnoDB: index sizes from mysql.innodb_index_stats as of each table's last statistics update (ANALYZE TABLE refreshes them); ${method}.`;
    if (unpredictableRows > 0) {
      note += ` Primary keys of tables with TEXT/BLOB columns (or very wide rows) get no bloat estimate: how much of those rows is stored in the index cannot be told from the catalog.`;
    }
    if (apportioned > 0) {
      note += ` ${apportioned} ${apportioned === 1 ? 'index has' : 'indexes have'} no InnoDB page statistics (not InnoDB, or statistics not collected yet): their sizes are INDEX_LENGTH split by key width, without bloat.`;
    }
  }
  return { indexes: out, note };
}

/**
 * The index InnoDB clusters rows by: the primary key, else the first unique
 * index over NOT NULL columns without prefixes, else a hidden row id (none).
 */
function clusteredIndex(list: IndexDef[], cols: Map<string, ColumnShape>): IndexDef | undefined {
  return (
    list.find((d) => d.name === 'PRIMARY') ??
    list.find(
      (d) => d.unique && d.type === 'BTREE' &&
        d.columns.every((c) => c.name !== null && c.subPart === null && cols.get(c.name.toLowerCase())?.nullable === false),
    )
  );
}

/** Leaf record of a secondary index: its key, then the clustered key columns it does not already hold. */
function secondaryShape(d: IndexDef, cols: Map<string, ColumnShape>, pk: ColumnShape[], hiddenRowId: boolean): RecordShape | null {
  const key: Array<{ col: ColumnShape; prefixChars: number | null }> = [];
  for (const c of d.columns) {
    const col = c.name === null ? undefined : cols.get(c.name.toLowerCase());
    if (!col) return null; // an expression index (MySQL 8): width unknown
    key.push({ col, prefixChars: c.subPart });
  }
  const whole = new Set(key.filter((k) => k.prefixChars === null).map((k) => k.col.name.toLowerCase()));
  for (const col of pk) if (!whole.has(col.name.toLowerCase())) key.push({ col, prefixChars: null });
  const shape = recordShape(key);
  return shape && hiddenRowId ? { ...shape, keyBytes: shape.keyBytes + 6 } : shape;
}

/** Shares `total` bytes among indexes in proportion to their record widths (equally when unknown). */
function splitBytes(list: IndexDef[], shapes: Map<IndexDef, RecordShape | null>, total: number): Map<IndexDef, number> {
  const weights = list.map((d) => {
    const s = shapes.get(d);
    return s ? s.keyBytes + s.lengthBytes + 5 : 0;
  });
  const known = weights.filter((w) => w > 0);
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const w = weights.map((x) => (x > 0 ? x : fallback));
  const sum = w.reduce((a, b) => a + b, 0);
  const out = new Map<IndexDef, number>();
  list.forEach((d, i) => out.set(d, sum > 0 ? Math.round((total * w[i]!) / sum) : 0));
  return out;
}
