// Which address a sign-in came from, for the back-off. The socket's own
// address (stamped by cli/peer-address-hook.mjs) is the answer unless it is
// one of JANITOR_TRUSTED_PROXIES; then X-Forwarded-For is read from the right,
// skipping trusted proxies, so the first hop a client cannot forge is used.
import { BlockList, isIP } from 'node:net';

/** "::ffff:10.0.0.1" is the IPv4 address 10.0.0.1 on a dual-stack socket. */
function normalize(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, '');
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

/** Parses "10.0.0.1, 192.168.0.0/16, ::1"; throws a one-line message on a bad entry. */
export function parseTrustedProxies(list: string): BlockList {
  const block = new BlockList();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [ip, bits] = raw.split('/');
    const family = isIP(ip ?? '');
    if (!family) throw new Error(`"${raw.slice(0, 50)}" is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) block.addAddress(ip!, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${raw.slice(0, 50)}" has a bad prefix length`);
      block.addSubnet(ip!, prefix, type);
    }
  }
  return block;
}

function trusts(block: BlockList | null, address: string): boolean {
  const family = isIP(address);
  return Boolean(block && family && block.check(address, family === 4 ? 'ipv4' : 'ipv6'));
}

export function addressFrom(input: { peer: string | null; forwardedFor: string | null; trusted: BlockList | null }): string {
  const hops = (input.forwardedFor ?? '').split(',').map(normalize).filter(Boolean);
  // Without the hook (next dev, a bare next start) Next puts the socket's
  // address last in X-Forwarded-For, after anything the client sent.
  let address = input.peer ? normalize(input.peer) : (hops.pop() ?? 'local');
  while (trusts(input.trusted, address) && hops.length) address = hops.pop()!;
  return address.slice(0, 64) || 'local';
}

export function peerHookLoaded(): boolean {
  return Boolean((globalThis as { __janitorPeerHook?: boolean }).__janitorPeerHook);
}
