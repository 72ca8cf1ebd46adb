// Rate-limit keys for guests: IPv4 as it is, IPv6 by its /64.
import { describe, expect, it } from 'vitest';
import { rateLimitPrefix } from './guest-request.js';

describe('rateLimitPrefix', () => {
  it('keeps IPv4 whole and keys IPv6 by /64, however it is written', () => {
    expect(rateLimitPrefix('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitPrefix('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitPrefix('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitPrefix('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitPrefix('::1')).toBe('0:0:0:0::/64');
  });
});
