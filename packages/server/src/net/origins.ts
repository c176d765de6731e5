// The Origin allow-list for browsers: the server's own origins, --public-url, and --allowed-origins
// ('*' = any). A request without Origin (not a browser: a Node client, curl) is allowed.
export class OriginPolicy {
  private readonly allowed: Set<string>;
  private readonly any: boolean;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.allowed = new Set(origins.filter((o) => o !== '*').map((o) => o.toLowerCase()));
  }

  allows(origin: string | undefined): boolean {
    return origin === undefined || this.any || this.allowed.has(origin.toLowerCase());
  }

  list(): string[] {
    return [...this.allowed];
  }
}
