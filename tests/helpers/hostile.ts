// Hostile input for the property tests: what a careless paste, a fuzzer or an
// attacker puts into a form field or a flag.
import fc from 'fast-check';

export const SQL_AND_SHELL = [
  "'",
  '"',
  '`',
  ';',
  '--',
  '/*',
  '*/',
  '\\',
  '%',
  '_',
  '$1',
  '?',
  "' OR '1'='1",
  '"; DROP TABLE canary; --',
  '`; DROP TABLE canary; --',
  "'); DROP TABLE canary; --",
  'canary; DELETE FROM canary',
  '" OR ""="',
  'x`) ; TRUNCATE canary; #',
  '$$; DROP TABLE canary; $$',
  'E\'\\x27',
  '$(rm -rf /)',
  '${process.exit(1)}',
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\ud835\udd4f',
  '😀',
  'İ',
  'ß',
  'Å',
  'ǅ',
  'ﬁ',
  '\u0301',
  '\u00a0',
] as const;

export const NUMBERISH = [
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '+Infinity',
  '1e309',
  '-1e309',
  '1e-400',
  '9007199254740993',
  '1e21',
  '-0',
  '0x10',
  '0b11',
  '0o7',
  '1_000',
  '1,000',
  '+5',
  '.5',
  '5.',
  ' 5 ',
  '5abc',
  '١٢٣',
  '１２３',
  '',
  ' ',
  '\t',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '-1',
  '0',
  '1',
  '0.0001',
  '2147483648',
  '-2147483649',
  '99999999999999999999',
] as const;

/** Strings made of SQL and control fragments, arbitrary unicode, or 10k+ characters. */
export function hostileText(opts: { long?: boolean } = {}): fc.Arbitrary<string> {
  const pieces = fc.constantFrom<string>(...SQL_AND_SHELL, 'a', 'Z', '1', ' ', '.', 'django_session', 'public');
  const arbs: fc.Arbitrary<string>[] = [
    fc.constantFrom<string>(...SQL_AND_SHELL),
    fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ maxLength: 70 }),
  ];
  if (opts.long !== false) {
    arbs.push(
      fc
        .tuple(fc.integer({ min: 10_000, max: 12_000 }), fc.constantFrom('a', "'", '"', '`', ';', 'é', '😀', '\u0000'))
        .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
    );
  }
  return fc.oneof(...arbs);
}

/** Values for number fields: weird numerals, out-of-range and non-finite numbers, and hostile text. */
export function numberishText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom<string>(...NUMBERISH),
    fc.double().map(String),
    fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map(String),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    hostileText({ long: false }),
  );
}

/** A form field or a flag as it arrives: text, or absent. */
export function fieldValue(): fc.Arbitrary<string | undefined> {
  return fc.option(fc.oneof(numberishText(), hostileText()), { nil: undefined, freq: 4 });
}
