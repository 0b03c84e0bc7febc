// A cron expression in words, for the common shapes only ("every day at
// 03:00", "every 15 min"); anything else returns null and the page shows the
// raw expression alone. The raw expression is always shown next to it.
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const num = (s: string, max: number) => (/^\d{1,2}$/.test(s) && Number(s) <= max ? Number(s) : null);
const pad = (n: number) => String(n).padStart(2, '0');

function weekdays(field: string): string | null {
  if (field === '1-5') return 'on weekdays';
  if (field === '0,6' || field === '6,0') return 'on weekends';
  const days = field.split(',').map((d) => num(d, 7));
  if (days.some((d) => d === null)) return null;
  return `on ${days.map((d) => DAYS[d! % 7]).join(', ')}`;
}

/** "" for every day, "on weekdays", "on day 1 of each month"; null when it has no short words. */
function days(dom: string, dow: string): string | null {
  if (dom === '*' && dow === '*') return '';
  if (dom === '*') return weekdays(dow);
  const d = num(dom, 31);
  return d !== null && d > 0 && dow === '*' ? `on day ${d} of each month` : null;
}

export function cronInWords(cron: string): string | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const on = days(dom, dow);
  if (mon !== '*' || on === null) return null;
  const suffix = on ? ` ${on}` : '';
  const step = /^\*\/(\d{1,2})$/.exec(min);
  if (hour === '*' && (min === '*' || step)) return `every ${step ? `${step[1]} min` : 'minute'}${suffix}`;
  const m = num(min, 59);
  if (m === null) return null;
  if (hour === '*') return `every hour at :${pad(m)}${suffix}`;
  const h = num(hour, 23);
  if (h === null) return null;
  return `${on || 'every day'} at ${pad(h)}:${pad(m)}`;
}
