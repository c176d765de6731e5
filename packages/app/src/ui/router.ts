// Hash routes (`#/c/<channelId>`, `#/device`, ...): the part after `#` never reaches a server, so channel
// ids and invites opened in the app stay in the browser.

export interface Route {
  /** First path segment: '', 'device', 'c', 'invite', 'scan', 'code', 'contacts'. */
  name: string;
  /** Remaining segments, decoded. */
  args: string[];
}

/** Parses a location hash such as `#/c/<id>` into a route. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const parts = path.split('/').filter((p) => p.length > 0);
  const args: string[] = [];
  for (const p of parts.slice(1)) {
    try {
      args.push(decodeURIComponent(p));
    } catch {
      args.push(p);
    }
  }
  return { name: parts[0] ?? '', args };
}

/** Builds the hash for a route. */
export function hashOf(name: string, ...args: string[]): string {
  return `#/${[name, ...args.map(encodeURIComponent)].filter((p) => p.length > 0).join('/')}`;
}
