'use client';
// "your time: Mon 30 Nov 04:00" beside a moment shown in a schedule's zone,
// when the viewer's browser is in another zone. Rendered after hydration only:
// the server does not know the viewer's zone.
import { useEffect, useState } from 'react';
import { formatInZone } from './zone-time';

export function LocalTime({ iso, tz }: { iso: string; tz: string }) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const shown = formatInZone(iso, tz);
    const there = formatInZone(iso, mine);
    setLocal(there === shown ? null : there);
  }, [iso, tz]);
  if (!local) return null;
  return <span className="text-xs text-slate-500"> · your time {local}</span>;
}
