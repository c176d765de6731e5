// Rows as both stores read them, and their conversion to the store's types. SQLite stores booleans as
// 0/1, PostgreSQL as booleans; byte columns come back as Buffers and leave as Uint8Arrays.
import type { Ban, BanKind, Channel, Credential, IssueRequest } from './types.ts';

export interface ChannelRow {
  channel_id: string;
  name: string | null;
  public: number | boolean;
  created_at: number;
}

export interface CredentialRow {
  client_id: string;
  channel_id: string;
  session_id: string;
  password_hash: Buffer;
  created_at: number;
  expires_at: number;
}

export const toChannel = (r: ChannelRow): Channel => ({
  channelId: r.channel_id,
  name: r.name,
  public: r.public === true || r.public === 1,
  createdAt: r.created_at,
});

export const toCredential = (r: CredentialRow): Credential => ({
  clientId: r.client_id,
  channelId: r.channel_id,
  sessionId: r.session_id,
  passwordHash: new Uint8Array(r.password_hash),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** The credential issueCredential has just inserted for `req`. */
export const newCredential = (req: IssueRequest): Credential => ({
  clientId: req.newClientId,
  channelId: req.channelId,
  sessionId: req.sessionId,
  passwordHash: new Uint8Array(req.passwordHash),
  createdAt: req.now,
  expiresAt: req.expiresAt,
});

export interface BanRow {
  kind: string;
  target: string;
  until: number;
  reason: string;
  created_at: number;
}

export const toBan = (r: BanRow): Ban => ({
  kind: r.kind as BanKind,
  target: r.target,
  until: r.until,
  reason: r.reason,
  createdAt: r.created_at,
});
