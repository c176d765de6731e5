// The storage interface the server needs: channels, credentials and login lockouts. Two implementations:
// embedded SQLite (./sqlite.ts, the default) and PostgreSQL (./postgres.ts, shared by many nodes). Every
// method is async because the networked one is; times are epoch milliseconds. Both are wrapped by
// ./checked.ts, so input a stranger controls behaves the same on either (see StoreError).

export interface Channel {
  channelId: string;
  name: string | null;
  public: boolean;
  createdAt: number;
}

export interface Credential {
  clientId: string;
  channelId: string;
  sessionId: string;
  /** SHA-256 of the password (see docs/threat-model.md, section 1: why not a slow hash). */
  passwordHash: Uint8Array;
  createdAt: number;
  expiresAt: number;
}

/** What issueCredential does: a fresh credential, or a refresh of the session's existing one. */
export type IssueResult =
  | { ok: true; credential: Credential; created: boolean }
  | { ok: false; reason: 'full' | 'no_channel' };

export interface IssueRequest {
  channelId: string;
  sessionId: string;
  /** Used only when the session has no credential yet. */
  newClientId: string;
  passwordHash: Uint8Array;
  now: number;
  expiresAt: number;
  /** Live credentials a channel may hold; a new session beyond it is refused. */
  maxClients: number;
}

/** Failed logins from one IP within windowMs (counted from the first) lock it out for lockoutMs. */
export interface LockoutPolicy {
  failures: number;
  windowMs: number;
  lockoutMs: number;
}

export interface Lockout {
  ip: string;
  until: number;
}

/** An operator's ban (docs/operators/admin.md): a credential (its clientId) or an IP/CIDR, until a time. */
export type BanKind = 'credential' | 'ip';

export interface Ban {
  kind: BanKind;
  /** A clientId, or a normalised CIDR (src/net/cidr.ts) such as 203.0.113.0/24 or 2001:db8::/32. */
  target: string;
  until: number;
  reason: string;
  createdAt: number;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  readonly kind: StoreKind;
  /** Throws StoreError('conflict') if the id exists. */
  createChannel(channel: Channel): Promise<void>;
  getChannel(channelId: string): Promise<Channel | undefined>;
  /** Public channels, newest first, at most `limit` (0..10000). */
  listPublicChannels(limit: number): Promise<Channel[]>;
  /**
   * Get-or-create, atomically (also across nodes sharing the store): the same (channelId, sessionId)
   * keeps its clientId; the password hash and expiry are replaced by the given ones. A session whose
   * credential expired starts over with newClientId.
   */
  issueCredential(req: IssueRequest): Promise<IssueResult>;
  getCredential(clientId: string): Promise<Credential | undefined>;
  /**
   * Counts one failed login of `ip`, atomically. Returns the end of the lockout this failure started,
   * or 0 if it started none.
   */
  recordLoginFailure(ip: string, now: number, policy: LockoutPolicy): Promise<number>;
  /** End of the IP's lockout if one is running at `now`, else 0. */
  lockedUntil(ip: string, now: number): Promise<number>;
  /** Every lockout running at `now` (a starting node warms its in-memory view with them). */
  liveLockouts(now: number): Promise<Lockout[]>;
  /** Deletes a channel and (cascade) its credentials; `credentials` is how many went with it. */
  deleteChannel(channelId: string): Promise<{ deleted: boolean; credentials: number }>;
  /** Adds a ban, or replaces the one of the same kind and target. */
  putBan(ban: Ban): Promise<void>;
  /** Lifts a ban; false if there was none. */
  liftBan(kind: BanKind, target: string): Promise<boolean>;
  /** Every ban still running at `now` (nodes refresh their in-memory view from it). */
  liveBans(now: number): Promise<Ban[]>;
  /**
   * Deletes credentials expired at `now` (and spent failure/lockout rows and ended bans); returns the
   * credentials.
   */
  purgeExpired(now: number): Promise<number>;
  counts(): Promise<{ channels: number; credentials: number }>;
  /** Flushes and closes; idempotent. */
  close(): Promise<void>;
}

export type StoreErrorCode = 'invalid_input' | 'conflict' | 'newer_schema';

/** A store refusal the caller can act on (anything else is the database failing). */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
