// Index bloat on InnoDB, estimated from the catalog alone (no page reads).
//
// Formula. A B-tree needs about
//   leafPages = ceil(rows × (recordBytes + slotBytes) / (usablePageBytes × fill))
// leaf pages, plus the node-pointer levels above them, where
//   recordBytes     = stored key columns (+ the primary key columns a secondary
//                     index carries, or all columns plus the 6-byte transaction
//                     id and 7-byte roll pointer for the clustered index)
//                     + 5-byte record header + 1–2 length bytes per
//                     variable-length column + the NULL bitmap (COMPACT/DYNAMIC),
//   slotBytes       = 2-byte page-directory slot per 4–8 records (1/3 byte),
//   usablePageBytes = innodb_page_size − 128 (FIL header and trailer, page
//                     header, infimum and supremum records),
//   fill            = 15/16: InnoDB leaves 1/16 of a page free when it builds an
//                     index in order (OPTIMIZE TABLE, ALTER … FORCE) and when
//                     rows arrive in key order.
// A freshly built index also owns some free pages: each of its two segments
// (leaves, node pointers) takes its first 32 pages one by one, then whole
// extents (1 MiB; 64 pages of 16 KiB), and keeps taking extents while less
// than 1/8 of what it owns is free (FSEG_FILL_FACTOR in fsp0fsp). So the
// allocation a rebuilt index may normally have is
//   normal(p) = p                                   if p <= 32
//             = 32 + ceil((p × 8/7 − 32) / extent) × extent   otherwise
// per segment, and
//   bloatBytes = (allocated − normal(leafPages) − normal(nodePages)) × page size, ≥ 0,
//   bloatRatio = bloatBytes / allocated bytes,
// where "allocated" is the index's `size` in mysql.innodb_index_stats: every
// page its segments own, including pages emptied by deletes that only a
// rebuild (OPTIMIZE TABLE) hands back. Measured on MariaDB 10.11 with 200k
// rows: 0 right after OPTIMIZE TABLE and for indexes filled in key order,
// 0.24–0.30 for indexes filled in random order (see below), 0.57–0.91 after
// deleting 80% of the rows.
//
// Limits (it is an estimate; the label says so):
// - rows is TABLE_ROWS, itself a sampled estimate, and the page counts are as
//   of the last statistics update (ANALYZE TABLE, or automatic after ~10% of
//   the table changed).
// - A variable-length key is taken at its declared length in one-byte
//   characters: keys much shorter than declared (an email in varchar(255))
//   make the needed size too big and the bloat too small, never too big on
//   that account. Multi-byte text does the opposite, mildly.
// - A B-tree filled by random inserts settles near 70% full (pages split in
//   half), so a ratio up to ~0.3 is normal for a random key such as a session
//   id; clearly higher means pages emptied by deletes.
// - Clustered indexes with BLOB/TEXT columns keep long values on overflow pages
//   inside the index; their size cannot be predicted, so no estimate (null).
// - No estimate for FULLTEXT/SPATIAL indexes or expressions.

export type ColumnShape = {
  name: string;
  /** information_schema.COLUMNS.DATA_TYPE, lower-case */
  dataType: string;
  /** COLUMN_TYPE, e.g. "enum('a','b')", "bit(12)" */
  columnType: string;
  charMaxLength: number | null;
  charOctetLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  datetimePrecision: number | null;
  nullable: boolean;
};

/** Bytes one column takes in an index record; null when it cannot be told. */
export type StoredWidth = { bytes: number; lengthBytes: number };

const FIXED: Record<string, number> = {
  tinyint: 1, smallint: 2, mediumint: 3, int: 4, integer: 4, bigint: 8,
  float: 4, double: 8, real: 8, year: 1, date: 3,
  uuid: 16, inet6: 16, inet4: 4,
};
const STRINGS = new Set(['char', 'varchar', 'binary', 'varbinary']);
const LOBS = new Set(['tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'json']);
// DECIMAL packs 9 digits in 4 bytes; leftover digits take this many bytes.
const DECIMAL_LEFTOVER = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

function decimalBytes(precision: number, scale: number): number {
  const part = (digits: number) => Math.floor(digits / 9) * 4 + DECIMAL_LEFTOVER[digits % 9]!;
  return part(precision - scale) + part(scale);
}

function lengthBytes(maxOctets: number, bytes: number): number {
  // DYNAMIC/COMPACT: one length byte, two when the column can exceed 255 bytes and this value exceeds 127.
  return maxOctets > 255 && bytes > 127 ? 2 : 1;
}

/**
 * Stored bytes of a column in an index record.
 * @param prefixChars SUB_PART of an index on a prefix of the column
 */
export function storedWidth(col: ColumnShape, prefixChars: number | null = null): StoredWidth | null {
  const t = col.dataType;
  const fsp = Math.ceil((col.datetimePrecision ?? 0) / 2);
  if (t in FIXED) return { bytes: FIXED[t]!, lengthBytes: 0 };
  switch (t) {
    case 'time':
      return { bytes: 3 + fsp, lengthBytes: 0 };
    case 'datetime':
      return { bytes: 5 + fsp, lengthBytes: 0 };
    case 'timestamp':
      return { bytes: 4 + fsp, lengthBytes: 0 };
    case 'decimal':
    case 'numeric':
      return { bytes: decimalBytes(col.numericPrecision ?? 10, col.numericScale ?? 0), lengthBytes: 0 };
    case 'bit':
      return { bytes: Math.ceil((col.numericPrecision ?? 1) / 8), lengthBytes: 0 };
    case 'enum':
      return { bytes: members(col.columnType) > 255 ? 2 : 1, lengthBytes: 0 };
    case 'set': {
      const b = Math.ceil(members(col.columnType) / 8);
      return { bytes: b > 4 ? 8 : b, lengthBytes: 0 };
    }
  }
  if (STRINGS.has(t) || (LOBS.has(t) && prefixChars !== null)) {
    const chars = Math.min(prefixChars ?? Infinity, col.charMaxLength ?? Infinity);
    if (!Number.isFinite(chars)) return null;
    const maxOctets = col.charOctetLength ?? chars;
    // binary/varbinary lengths are bytes; text is taken as one byte per character (see limits above).
    const bytes = chars;
    // CHAR in a multi-byte character set is stored with a length, like VARCHAR.
    const variable = t !== 'binary' && (t !== 'char' || maxOctets > chars);
    return { bytes, lengthBytes: variable ? lengthBytes(maxOctets, bytes) : 0 };
  }
  return null;
}

function members(columnType: string): number {
  return Math.max(1, (columnType.match(/','/g)?.length ?? 0) + 1);
}

export type RecordShape = { keyBytes: number; lengthBytes: number; nullableColumns: number };

/** Sums column widths into a record shape; null if any column is unknown. */
export function recordShape(cols: Array<{ col: ColumnShape; prefixChars: number | null }>): RecordShape | null {
  let keyBytes = 0;
  let lens = 0;
  let nullableColumns = 0;
  for (const { col, prefixChars } of cols) {
    const w = storedWidth(col, prefixChars);
    if (!w) return null;
    keyBytes += w.bytes;
    lens += w.lengthBytes;
    if (col.nullable) nullableColumns++;
  }
  return { keyBytes, lengthBytes: lens, nullableColumns };
}

const RECORD_HEADER = 5;
const CHILD_PAGE_NO = 4;
const SLOT_BYTES = 1 / 3;
const PAGE_OVERHEAD = 128;
const FILL = 15 / 16;

export type NeededPages = { leaf: number; node: number };

/** Pages a B-tree of `rows` records of this shape needs when freshly built. */
export function neededPages(opts: {
  rows: number;
  pageSize: number;
  leaf: RecordShape;
  /** node-pointer records carry the key without the clustered index's system columns */
  nodeKeyBytes: number;
}): NeededPages {
  const usable = (opts.pageSize - PAGE_OVERHEAD) * FILL;
  const leafRec = opts.leaf.keyBytes + opts.leaf.lengthBytes + Math.ceil(opts.leaf.nullableColumns / 8) + RECORD_HEADER + SLOT_BYTES;
  const leaf = Math.max(1, Math.ceil((Math.max(0, opts.rows) * leafRec) / usable));
  const nodeRec = opts.nodeKeyBytes + opts.leaf.lengthBytes + Math.ceil(opts.leaf.nullableColumns / 8) + RECORD_HEADER + CHILD_PAGE_NO + SLOT_BYTES;
  const fanout = Math.max(2, Math.floor(usable / nodeRec));
  let level = leaf;
  let node = 0;
  while (level > 1) {
    level = Math.ceil(level / fanout);
    node += level;
  }
  return { leaf, node };
}

const FRAGMENT_PAGES = 32;

/** Pages a segment that needs `pages` may own right after a rebuild (see the formula above). */
export function normalAllocation(pages: number, pageSize: number): number {
  if (pages <= FRAGMENT_PAGES) return pages;
  const extent = pageSize <= 16384 ? (1024 * 1024) / pageSize : 64;
  return FRAGMENT_PAGES + Math.ceil((pages * (8 / 7) - FRAGMENT_PAGES) / extent) * extent;
}

export type Bloat = { bloatBytes: number; bloatRatio: number };

export function bloatOf(allocatedPages: number, needed: NeededPages, pageSize: number): Bloat {
  const allocatedBytes = allocatedPages * pageSize;
  const normal = normalAllocation(needed.leaf, pageSize) + normalAllocation(needed.node, pageSize);
  const bloatBytes = Math.max(0, Math.round(allocatedPages - normal)) * pageSize;
  const bloatRatio = allocatedBytes > 0 ? Math.round((bloatBytes / allocatedBytes) * 1000) / 1000 : 0;
  return { bloatBytes, bloatRatio };
}

/**
 * Record shape of the clustered index: every column plus DB_TRX_ID (6) and
 * DB_ROLL_PTR (7). Null with BLOB/TEXT columns (stored inline or on overflow
 * pages depending on each value) or rows too wide for half a page, where
 * InnoDB moves long columns off the page.
 */
export function clusteredShape(columns: ColumnShape[], pageSize: number): RecordShape | null {
  if (columns.some((c) => LOBS.has(c.dataType))) return null;
  const s = recordShape(columns.map((col) => ({ col, prefixChars: null })));
  if (!s || s.keyBytes + 13 + s.lengthBytes + RECORD_HEADER > pageSize / 2 - 200) return null;
  return { ...s, keyBytes: s.keyBytes + 13 };
}
