import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '@/lib/csv';
import { reportSectionCsv } from '@/lib/stats/report-csv';
import type { SpaceReport } from '@/lib/stats/types';

describe('CSV exports', () => {
  it('quotes commas, quotes and line breaks, and leaves plain text and numbers alone', () => {
    expect(csvCell('orders')).toBe('orders');
    expect(csvCell(1234)).toBe('1234');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(-5)).toBe('-5'); // numbers are numbers
  });

  it('writes a header row and CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], [2, null]])).toBe('a,b\r\n1,x\r\n2,\r\n');
  });

  it('exports the session tables of a report with exact counts', () => {
    const report = {
      sessionTables: [{ schema: 'public', table: 'django_session', preset: 'django', expiryColumn: 'expire_date', expired: 10, live: 5, total: 15, exact: true }],
    } as unknown as SpaceReport;
    expect(reportSectionCsv(report, 'sessions')).toBe(
      'schema,table,preset,expiryColumn,expired,live,total,exact\r\npublic,django_session,django,expire_date,10,5,15,true\r\n',
    );
  });
});
