// Which addresses `npm start` serves at, so it can print them (and put them in the --lan certificate).
import { createServer } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

const ANY = new Set(['0.0.0.0', '::', '']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** This machine's IPv4 addresses other than loopback (what a phone on the same Wi-Fi can reach). */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) out.push(a.address);
    }
  }
  return out;
}

/** `<hostname>.local`: the multicast-DNS name most phones and laptops resolve on a home network. */
export function localName(): string {
  const first = hostname()
    .split('.')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  return `${first || 'sealpeer'}.local`;
}

export interface Reach {
  /** Host names / IPs people can open, best first (the first one goes in the QR code). */
  hosts: string[];
  /** IPs and DNS names a --lan certificate must cover. */
  ips: string[];
  dnsNames: string[];
}

/** The hosts the services are reachable at, given the bind address and the names asked for. */
export function reach(bind: string, lan: boolean, extraNames: readonly string[], publicHost?: string): Reach {
  const lanIps = ANY.has(bind) ? lanAddresses() : isLoopback(bind) ? [] : [bind];
  const dnsNames = [...new Set([...extraNames, ...(lan ? [localName()] : []), 'localhost'])];
  const ips = [...new Set(['127.0.0.1', ...lanIps])];
  const hosts: string[] = [];
  if (publicHost) hosts.push(publicHost);
  hosts.push(...lanIps, ...extraNames);
  if (lan && lanIps.length > 0) hosts.push(localName());
  if (ANY.has(bind) || isLoopback(bind)) hosts.push('127.0.0.1');
  return { hosts: [...new Set(hosts)], ips, dnsNames };
}

/** A port that is free on `host` right now (for `--port 0`: both services must know it up front). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
