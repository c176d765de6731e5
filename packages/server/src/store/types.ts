// The storage interface the server needs: channels and credentials. SQLite implements it (./sqlite.ts);
// a networked store can implement the same interface later. Every method is synchronous because the
// embedded store is; times are epoch milliseconds.

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
  | { ok: false; reason: 'full' };

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

export interface Store {
  createChannel(channel: Channel): void;
  getChannel(channelId: string): Channel | undefined;
  /** Public channels, newest first, at most `limit`. */
  listPublicChannels(limit: number): Channel[];
  /**
   * Get-or-create, atomically: the same (channelId, sessionId) keeps its clientId; the password hash
   * and expiry are replaced by the given ones.
   */
  issueCredential(req: IssueRequest): IssueResult;
  getCredential(clientId: string): Credential | undefined;
  /** Deletes credentials expired at `now`; returns how many. */
  purgeExpired(now: number): number;
  counts(): { channels: number; credentials: number };
  /** Flushes (WAL checkpoint) and closes. */
  close(): void;
}
