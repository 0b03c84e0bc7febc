// Loaded with `node --import` into the web server's process (janitor serve).
// Next passes a client's own X-Forwarded-For on untouched, so behind no proxy
// a client could name any address it liked and dodge (or aim) the sign-in
// back-off. This stamps every request with the address of the socket it came
// in on, overwriting whatever the client sent under that name.
import http from 'node:http';

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request') {
    const req = args[0];
    req.headers['x-janitor-peer'] = req.socket?.remoteAddress ?? '';
  }
  return emit.call(this, event, ...args);
};
// lib/auth/client-address.ts trusts the header only when this ran.
globalThis.__janitorPeerHook = true;
