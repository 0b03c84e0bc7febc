// A webhook URL is a secret: Slack's carries its token in the path, others
// in the query. Only the scheme and host are ever shown; scrubUrl takes the
// whole URL (and its path and query alone) out of text such as an error
// message before it is stored or logged.

/** "https://hooks.slack.com/…": enough to recognise, nothing to reuse. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = (u.pathname && u.pathname !== '/') || u.search || u.hash;
    return `${u.protocol}//${u.host}${rest ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

export function scrubUrl(text: string, url: string): string {
  let out = text;
  const parts = [url];
  try {
    const u = new URL(url);
    parts.push(u.href, `${u.pathname}${u.search}`, u.pathname, u.search);
  } catch {
    /* not a URL: only the text itself */
  }
  for (const p of parts.filter((p) => p.length > 1).sort((a, b) => b.length - a.length)) out = out.split(p).join('[webhook URL]');
  return out;
}
