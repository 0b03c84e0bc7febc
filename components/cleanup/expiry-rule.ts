// "before now" / "older than 30 days (epoch seconds)": the expiry rule in words.
type Rule = { expiryType: string | null; ttlSeconds: number | null };

export function durationText(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function expiryRuleText(r: Rule): string {
  const unit = r.expiryType === 'epoch-s' ? ' (epoch seconds)' : r.expiryType === 'epoch-ms' ? ' (epoch ms)' : '';
  return r.ttlSeconds ? `older than ${durationText(r.ttlSeconds)}${unit}` : `before now${unit}`;
}
