// IPv4 and IPv6 addresses and CIDR ranges for --allow-cidr / --deny-cidr and operator IP bans
// (docs/operators/admin.md). Parsing validates first: an address without a prefix is a /32 or /128; a
// prefix with host bits set is refused (203.0.113.7/24 is a typo for 203.0.113.0/24 more often than not).
// Matching uses node's net.BlockList; an IPv4-mapped IPv6 peer (::ffff:203.0.113.7, dual-stack sockets)
// is matched as the IPv4 address it carries.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 'ipv4' | 'ipv6';
  /** Network address with the host bits cleared, in node's canonical form. */
  network: string;
  prefix: number;
  /** `network/prefix`: the key bans are stored under. */
  text: string;
}

/** 16 bytes of an IPv6 address (isIPv6 already checked), or undefined. */
function v6Bytes(addr: string): number[] | undefined {
  let text = addr;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    text = `${addr.slice(0, -v4[1]!.length)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const h = groups(head);
  const r = groups(rest);
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  const all = [...h, ...Array<string>(fill).fill('0'), ...r].map((g) => Number.parseInt(g, 16));
  if (all.length !== 8 || all.some((n) => !Number.isInteger(n))) return undefined;
  const bytes = all.flatMap((n) => [n >> 8, n & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function bytesOf(addr: string, family: 'ipv4' | 'ipv6'): number[] | undefined {
  return family === 'ipv4' ? addr.split('.').map(Number) : v6Bytes(addr);
}

function formatBytes(bytes: number[], family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952 section 4.2).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** A CIDR or a bare address; throws an Error saying what is expected. */
export function parseCidr(raw: string): Cidr {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) && !addr.includes('%') ? 'ipv6' : undefined;
  const want = `an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24 or 2001:db8::/32, got '${raw}'`;
  if (!family) throw new Error(`wants ${want}`);
  const max = family === 'ipv4' ? 32 : 128;
  const p = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new Error(`wants a prefix from 0 to ${max}: ${want}`);
  const prefix = Number(p);
  const bytes = bytesOf(addr, family);
  if (!bytes) throw new Error(`wants ${want}`);
  for (let bit = prefix; bit < max; bit++)
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1)
      throw new Error(`has host bits set after /${prefix} (did you mean the network address?): '${raw}'`);
  const network = formatBytes(bytes, family);
  // Cross-check with node's own parser: the range as given must hold the network address computed here.
  const check = new BlockList();
  check.addSubnet(addr, prefix, family);
  if (!check.check(network, family)) throw new Error(`wants ${want}`);
  return { family, network, prefix, text: `${network}/${prefix}` };
}

/** ::ffff:203.0.113.7 → 203.0.113.7; anything else unchanged. */
export function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** A set of CIDRs to match addresses against. */
export class CidrSet {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(cidrs: readonly Cidr[]) {
    for (const c of cidrs) this.list.addSubnet(c.network, c.prefix, c.family);
    this.size = cidrs.length;
  }

  has(ip: string): boolean {
    if (this.size === 0) return false;
    const a = unmapped(ip);
    if (isIPv4(a)) return this.list.check(a, 'ipv4');
    if (isIPv6(a)) return this.list.check(a, 'ipv6');
    return false;
  }
}
