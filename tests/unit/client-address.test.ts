// The address the sign-in back-off keys on: a client cannot pick it by sending
// X-Forwarded-For unless the request came through a trusted proxy.
import { describe, expect, it } from 'vitest';
import { addressFrom, parseTrustedProxies } from '@/lib/auth/client-address';

describe('client address for the sign-in back-off', () => {
  const trusted = parseTrustedProxies('10.0.0.0/8, ::1');

  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(addressFrom({ peer: '::ffff:198.51.100.4', forwardedFor: '203.0.113.9', trusted: null })).toBe('198.51.100.4');
  });

  it('reads X-Forwarded-For from the right, past trusted proxies only', () => {
    expect(addressFrom({ peer: '10.1.2.3', forwardedFor: 'forged, 203.0.113.9, 10.0.0.5', trusted })).toBe('203.0.113.9');
    expect(addressFrom({ peer: '198.51.100.4', forwardedFor: '203.0.113.9', trusted })).toBe('198.51.100.4');
  });

  it('refuses a bad JANITOR_TRUSTED_PROXIES entry with a one-line message', () => {
    expect(() => parseTrustedProxies('10.0.0.1, proxy.example')).toThrow('"proxy.example" is not an IP address or CIDR range');
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow('bad prefix length');
  });
});
