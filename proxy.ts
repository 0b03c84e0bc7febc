// First line of defence: requests without a session cookie never reach a
// page or API route. (The real check, against the store, happens in every
// page, route handler and server action.)
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'janitor_session';

export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith('/api/')) return NextResponse.json({ error: 'Sign in required' }, { status: 401 });
  const url = request.nextUrl.clone();
  url.pathname = '/login';
  url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but the sign-in page, static assets and /api/metrics (a bearer token, checked by the route).
  matcher: ['/((?!login|api/metrics|_next/static|_next/image|favicon.ico).*)'],
};
