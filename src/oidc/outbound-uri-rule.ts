import { BlockList, isIP } from 'node:net';

/**
 * Addresses no registered tool lives at: link-local (169.254/16 holds cloud metadata services), unspecified,
 * multicast and broadcast. Private and loopback addresses stay allowed: internal tools live there.
 */
const NOWHERE = new BlockList();
NOWHERE.addSubnet('169.254.0.0', 16, 'ipv4');
NOWHERE.addSubnet('0.0.0.0', 8, 'ipv4');
NOWHERE.addSubnet('224.0.0.0', 4, 'ipv4');
NOWHERE.addAddress('255.255.255.255', 'ipv4');
NOWHERE.addSubnet('fe80::', 10, 'ipv6');
NOWHERE.addAddress('::', 'ipv6');
NOWHERE.addSubnet('ff00::', 8, 'ipv6');

/**
 * Why the provider could never deliver to `uri` (a back-channel logout URI, a JWKS URI), or undefined. Only what
 * the URI itself says is checked: a host name is resolved when the provider calls it.
 */
export function outboundUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    return 'must be an absolute http(s) URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a fragment';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  if (family !== 0 && NOWHERE.check(host, family === 4 ? 'ipv4' : 'ipv6'))
    return `must not point at a link-local, unspecified or multicast address (${host})`;
  return undefined;
}
