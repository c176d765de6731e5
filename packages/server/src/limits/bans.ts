// Operator bans as this node enforces them (docs/operators/admin.md): a copy of the store's live bans
// (credential → ban, IP ranges → one CidrSet), refreshed from the store every few seconds so a ban set
// through any node's admin listener reaches every node sharing the store, and after each local change.
import { type Cidr, CidrSet, parseCidr } from '../net/cidr.ts';
import type { Ban, Store } from '../store/types.ts';

/** How often every node re-reads the bans (a ban set on another node applies within this). */
export const BAN_REFRESH_MS = 5000;

export class BanList {
  private credentials = new Map<string, Ban>();
  private ips: Array<{ set: CidrSet; ban: Ban }> = [];
  /** Every banned range in one set: the common case (no ban covers the IP) is one lookup. */
  private anyIp = new CidrSet([]);
  private all: Ban[] = [];

  constructor(private readonly store: Pick<Store, 'liveBans'>) {}

  /** Re-reads the live bans; returns them. */
  async refresh(now: number): Promise<Ban[]> {
    const bans = await this.store.liveBans(now);
    const credentials = new Map<string, Ban>();
    const ips: Array<{ set: CidrSet; ban: Ban }> = [];
    const ranges: Cidr[] = [];
    for (const b of bans) {
      if (b.kind === 'credential') credentials.set(b.target, b);
      else {
        try {
          const c = parseCidr(b.target);
          ips.push({ set: new CidrSet([c]), ban: b });
          ranges.push(c);
        } catch {
          // Only parsed CIDRs are stored (src/admin/routes.ts); a row edited by hand is skipped.
        }
      }
    }
    this.credentials = credentials;
    this.ips = ips;
    this.anyIp = new CidrSet(ranges);
    this.all = bans;
    return bans;
  }

  /** The running ban of this credential, if any. */
  credential(clientId: string, now: number): Ban | undefined {
    const b = this.credentials.get(clientId);
    return b && b.until > now ? b : undefined;
  }

  /** The running ban covering this IP, if any. */
  ip(ip: string, now: number): Ban | undefined {
    if (!this.anyIp.has(ip)) return undefined;
    for (const { set, ban } of this.ips) if (ban.until > now && set.has(ip)) return ban;
    return undefined;
  }

  list(now: number): Ban[] {
    return this.all.filter((b) => b.until > now);
  }
}
