// What the HTTP plugins need from the running server, passed explicitly (no globals).
import type { Logger } from 'pino';
import type { Bus } from '../bus/types.ts';
import type { ServerConfig } from '../config.ts';
import type { LoginLockout } from '../limits/ip-guard.ts';
import type { IpPolicy } from '../net/ip-policy.ts';
import type { OriginPolicy } from '../net/origins.ts';
import type { Store } from '../store/types.ts';
import type { ChannelToken } from './channel-token.ts';

export interface HttpContext {
  config: ServerConfig;
  store: Store;
  lockout: LoginLockout;
  /** --allow-cidr / --deny-cidr and IP bans (src/http/ip-gate.ts). */
  ipPolicy: IpPolicy;
  /** Set with --channel-creation token: POST /api/channels needs it. */
  channelToken: ChannelToken | undefined;
  /** Counts a refusal by error code (metrics). */
  reject(code: string): void;
  log: Logger;
  now(): number;
  /** Other nodes (shared creation limits); in-process by default. */
  bus: Bus;
  /** Clients online in each channel right now, on every node. */
  onlineCounts(channelIds: readonly string[]): Promise<number[]>;
  /** Known once the listener is bound (the port may be 0 until then). */
  origins(): OriginPolicy;
  /** Headers every public response carries (CSP and friends). */
  securityHeaders(): Readonly<Record<string, string>>;
  /** The WebSocket URL a browser that reached us with this Host header should use. */
  wsUrl(host: string | undefined): string;
}
