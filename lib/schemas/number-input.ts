// Numbers typed into a form field or given as a flag arrive as text. Only a
// plain decimal numeral counts as a number: JavaScript's Number() also reads
// "0x10" as 16, "0b11" as 3 and " " as 0, so a typo would quietly become a
// real setting (a blank --sleep-seconds meant no pause between batches).
import { z } from 'zod';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** '' / whitespace / null: not given (undefined). */
export const blankToUndefined = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** A number, or text holding a decimal numeral; anything else fails with `message`. */
export function numberInput(message: string) {
  return z.preprocess((v) => (typeof v === 'string' ? (DECIMAL.test(v.trim()) ? Number(v) : Number.NaN) : v), z.number({ error: message }));
}
