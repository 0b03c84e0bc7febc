// Talks to the running app the way a script (or an attacker) would, without a
// browser: signs in through the sign-in server action and calls any server
// action directly with a crafted POST, as React's client encodes it.
import { serverActions, type ServerAction } from './next-manifest';

export const SESSION_COOKIE = 'janitor_session';

export type ActionReply = { status: number; location: string | null; body: string; setCookie: string[] };

/** One argument of a server action call: a JSON value, or form fields sent as a FormData. */
export type ActionArg = { form: Record<string, string> } | { json: unknown };

/**
 * POSTs a server action call: `Next-Action: <id>` and a multipart body in
 * React's reply encoding (part "0" holds the argument list; a FormData
 * argument is "$K<n>" and its fields are the parts named "_<n>_<field>", in
 * order, as React 19's encodeReply writes them).
 */
export async function callAction(opts: {
  baseUrl: string;
  /** the page the action is posted to */
  path: string;
  actionId: string;
  args: ActionArg[];
  cookie?: string;
  headers?: Record<string, string>;
}): Promise<ActionReply> {
  const body = new FormData();
  let part = 0;
  const model = opts.args.map((a) => {
    if ('form' in a) {
      const n = ++part;
      for (const [k, v] of Object.entries(a.form)) body.append(`_${n.toString(16)}_${k}`, v);
      return `$K${n.toString(16)}`;
    }
    // React escapes strings that start with "$" by doubling it.
    return typeof a.json === 'string' && a.json.startsWith('$') ? `$${a.json}` : a.json === undefined ? '$undefined' : a.json;
  });
  body.append('0', JSON.stringify(model));
  const res = await fetch(new URL(opts.path, opts.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Next-Action': opts.actionId,
      Accept: 'text/x-component',
      Origin: new URL(opts.baseUrl).origin,
      ...(opts.cookie ? { Cookie: opts.cookie } : {}),
      ...opts.headers,
    },
    body,
  });
  return { status: res.status, location: res.headers.get('location') ?? res.headers.get('x-action-redirect'), body: await res.text(), setCookie: res.headers.getSetCookie() };
}

export function findAction(file: string, exportedName?: string): ServerAction {
  const a = serverActions().find((x) => x.filename.endsWith(file) && (!exportedName || x.exportedName === exportedName));
  if (!a) throw new Error(`no server action from ${file}${exportedName ? `#${exportedName}` : ''} in the build`);
  return a;
}

/** Signs in through the sign-in action as the login form does; returns the reply (its Set-Cookie carries the session). */
export async function signInReply(baseUrl: string, user: { username: string; password: string }, headers?: Record<string, string>): Promise<ActionReply> {
  const action = findAction('lib/actions/sign-in.ts', 'signInAction');
  return callAction({ baseUrl, path: '/login', actionId: action.id, args: [{ json: {} }, { form: { username: user.username, password: user.password } }], headers });
}

/** "janitor_session=<token>" for a Cookie header, or throws with what the app said. */
export async function signInCookie(baseUrl: string, user: { username: string; password: string }): Promise<string> {
  const reply = await signInReply(baseUrl, user);
  const cookie = reply.setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-in as ${user.username} failed: ${reply.status} ${reply.body.slice(0, 300)}`);
  return cookie.split(';')[0]!;
}
