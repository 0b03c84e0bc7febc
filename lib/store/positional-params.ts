// Statements for writeAtomically are written once with `?` placeholders
// (SQLite's); PostgreSQL wants $1, $2, … . Quoted identifiers and string
// literals are copied as they are, so a `?` inside them stays a character.
export function toPositional(sql: string): string {
  let n = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Index of the quote closing the one at `start` (a doubled quote is an escaped one). */
function closing(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] === q) i++;
    else return i;
  }
  throw new Error(`unterminated ${q === "'" ? 'string literal' : 'quoted identifier'} in store statement`);
}
