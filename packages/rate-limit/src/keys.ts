// Keys from client addresses. An IPv6 client usually holds a whole /64 (often
// a /56 or /48): limiting each address separately would let it rotate through
// 2^64 keys, so IPv6 addresses are grouped by prefix (/64 by default).
import { isIP } from 'node:net';
import { InvalidArgumentError } from './errors.js';

/** The 8 groups of an IPv6 address (embedded IPv4 and zone id handled), or undefined if it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const zone = address.indexOf('%');
  const ip = zone === -1 ? address : address.slice(0, zone);
  if (isIP(ip) !== 6) return undefined;
  const halves = ip.split('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
        groups.push((a << 8) | b, (c << 8) | d);
      } else groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length > 1 ? parse(halves[1]!) : [];
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The rate-limit key of a client address: an IPv4 address as is (also when
 * written IPv4-mapped, `::ffff:203.0.113.7`), an IPv6 address as its
 * `/ipv6Subnet` prefix (default 64), e.g. `2001:db8:1:2::/64`. Anything else
 * (a Unix socket path) is returned unchanged.
 */
export function ipKey(address: string, ipv6Subnet = 64): string {
  if (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 1 || ipv6Subnet > 128) {
    throw new InvalidArgumentError('ipv6Subnet', 'an integer from 1 to 128', ipv6Subnet);
  }
  if (typeof address !== 'string') throw new InvalidArgumentError('address', 'a string', address);
  if (isIP(address) === 4) return address;
  const groups = ipv6Groups(address);
  if (groups === undefined) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  if (ipv6Subnet === 128) return groups.map((g) => g.toString(16)).join(':');
  const kept = Math.ceil(ipv6Subnet / 16);
  const masked = groups.slice(0, kept);
  const partial = ipv6Subnet % 16;
  if (partial !== 0) masked[kept - 1] = masked[kept - 1]! & (0xffff << (16 - partial)) & 0xffff;
  return `${masked.map((g) => g.toString(16)).join(':')}::/${ipv6Subnet}`;
}
