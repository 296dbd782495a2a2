import { isIP } from 'node:net';

/**
 * `::ffff:7.7.7.7` is 7.7.7.7 (a dual-stack socket reports IPv4 clients that way): one client, one form.
 * Anything that is not an IP address yields undefined.
 */
export function canonicalAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  const candidate = mapped ? mapped[1] : address;
  const family = isIP(candidate);
  if (family === 0) return undefined;
  return family === 6 ? candidate.toLowerCase() : candidate;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded (an embedded IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The network a rate limit or an audit flood rule counts an address under: an IPv4 address itself, an IPv6
 * address by its first `ipv6PrefixBits` bits (one subscriber usually holds a whole /64, so counting each
 * address apart would give every client 2^64 buckets).
 */
export function addressNetwork(address: string, ipv6PrefixBits = 64): string {
  const canonical = canonicalAddress(address);
  if (canonical === undefined) return address;
  if (isIP(canonical) === 4) return canonical;
  const groups = ipv6Groups(canonical);
  const kept: string[] = [];
  for (let index = 0; index < 8; index++) {
    const bits = Math.max(0, Math.min(16, ipv6PrefixBits - index * 16));
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    kept.push((groups[index] & mask).toString(16));
  }
  return `${kept.join(':')}/${ipv6PrefixBits}`;
}
