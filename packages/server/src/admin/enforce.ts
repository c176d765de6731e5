// Applies the running bans to open sockets: a socket from a banned IP/range, or logged in with a banned
// credential, is closed with `banned` (4403). Run after a ban is set here and after every refresh from
// the store (bans set through another node's admin listener).
import type { Logger } from 'pino';
import type { BanList } from '../limits/bans.ts';
import type { Connection } from '../relay/connection.ts';

export function enforceBans(
  bans: BanList,
  connections: Iterable<Connection>,
  now: number,
  log: Logger,
): number {
  const hit: Connection[] = [];
  for (const c of connections) {
    if (c.state === 'closed') continue;
    const ban = bans.ip(c.ip, now) ?? (c.state === 'ready' ? bans.credential(c.clientId, now) : undefined);
    if (ban) hit.push(c);
  }
  for (const c of hit) {
    // Not an `ip_refused` line: this socket was let in before the ban, and with a credential ban its IP
    // may be shared by others (fail2ban's sealpeer-refused filter must not count it).
    log.warn({ event: 'ban_enforced', clientId: c.clientId, ip: c.ip }, 'socket closed by a ban');
    c.refuse('banned');
  }
  return hit.length;
}
