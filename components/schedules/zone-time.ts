// A moment as the clock on the wall shows it in a zone: "Mon 30 Nov 03:00".
// The same on server and browser for a given zone, so pages render it on the
// server in the schedule's zone and in the browser in the viewer's.
const formats = new Map<string, Intl.DateTimeFormat>();

export function formatInZone(iso: string, tz: string): string {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(tz, f);
  }
  return f.format(new Date(iso)).replace(',', '');
}
