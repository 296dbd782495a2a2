import { addressNetwork, canonicalAddress } from './client-address';

describe('client addresses', () => {
  it('unmaps IPv4-mapped IPv6 addresses and lower-cases IPv6', () => {
    expect(canonicalAddress('::ffff:7.7.7.7')).toBe('7.7.7.7');
    expect(canonicalAddress('::FFFF:7.7.7.7')).toBe('7.7.7.7');
    expect(canonicalAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(canonicalAddress('7.7.7.7')).toBe('7.7.7.7');
  });

  it.each(['', 'evil', 'x'.repeat(300), '7.7.7.7, 8.8.8.8', '::ffff:999.1.1.1', undefined])(
    'refuses %p as an address',
    (value) => expect(canonicalAddress(value)).toBeUndefined(),
  );

  it('counts every address of one IPv6 /64 as one network, and a neighbouring /64 apart', () => {
    const a = addressNetwork('2001:db8:1:2:aaaa::1');
    expect(addressNetwork('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(a);
    expect(a).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(addressNetwork('2001:db8:1:3::1')).not.toBe(a);
  });

  it('honours another prefix length, including one that splits a group', () => {
    expect(addressNetwork('2001:db8:abcd:12ff::1', 56)).toBe('2001:db8:abcd:1200:0:0:0:0/56');
    expect(addressNetwork('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
  });

  it('keeps IPv4 addresses whole, mapped or not', () => {
    expect(addressNetwork('::ffff:7.7.7.7')).toBe('7.7.7.7');
    expect(addressNetwork('7.7.7.7')).toBe('7.7.7.7');
  });
});
