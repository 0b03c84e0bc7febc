// Strips anything that looks like a connection string or password from text
// that is about to be logged or shown.
const URL_WITH_CREDENTIALS = /\b(postgres(?:ql)?|mysql|mariadb|file):\/\/[^\s'"]*/gi;

export function redact(text: string): string {
  return text.replace(URL_WITH_CREDENTIALS, (_m, scheme: string) => `${scheme}://[redacted]`);
}
