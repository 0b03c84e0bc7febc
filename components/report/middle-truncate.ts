// Long table names often share a prefix (customer_invoice_…_2019, customer_invoice_…_2020):
// cutting the middle keeps the part that tells them apart.
export function middleTruncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const tail = Math.floor((max - 1) / 2);
  return `${s.slice(0, max - 1 - tail)}…${s.slice(s.length - tail)}`;
}
