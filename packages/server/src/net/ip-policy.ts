// Who may reach the public listener (docs/operators/admin.md, "Address lists"): --deny-cidr wins, then
// --allow-cidr (when given, only those ranges), then the operator's IP bans. Checked on the TCP connection
// before a byte is read (the peer address; a trusted proxy's own address is let through), and again on
// each HTTP request and WebSocket upgrade with the client IP as src/net/client-ip.ts resolves it.
import type { BanList } from '../limits/bans.ts';
import { type Cidr, CidrSet } from './cidr.ts';

export type IpVerdict = { ok: true } | { ok: false; code: 'ip_denied' | 'banned'; rule: string };

export class IpPolicy {
  private readonly allow: CidrSet;
  private readonly deny: CidrSet;

  constructor(
    allow: readonly Cidr[],
    deny: readonly Cidr[],
    private readonly bans: BanList,
  ) {
    this.allow = new CidrSet(allow);
    this.deny = new CidrSet(deny);
  }

  check(ip: string, now: number): IpVerdict {
    if (this.deny.has(ip)) return { ok: false, code: 'ip_denied', rule: 'deny_cidr' };
    if (this.allow.size > 0 && !this.allow.has(ip))
      return { ok: false, code: 'ip_denied', rule: 'allow_cidr' };
    const ban = this.bans.ip(ip, now);
    if (ban) return { ok: false, code: 'banned', rule: `ban ${ban.target}` };
    return { ok: true };
  }
}
