// Client-side test helpers: real SealpeerClients (ws WebSocket, fresh identities) and pairing shortcuts.
import { WebSocket } from 'ws';
import { type ConnectOptions, SealpeerClient } from '../../src/client.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import type { Session } from '../../src/session/session.ts';

export async function newClient(
  server: string,
  channelId?: string,
  extra: Partial<Omit<ConnectOptions, 'server' | 'channelId'>> = {},
): Promise<SealpeerClient> {
  await ready();
  return SealpeerClient.connect({
    WebSocket: WebSocket as never,
    handshakeTimeoutMs: 5000,
    ...extra,
    identity: extra.identity ?? Identity.generate(),
    server,
    channelId,
  });
}

export interface Pair {
  inviter: SealpeerClient;
  scanner: SealpeerClient;
  a: Session;
  b: Session;
  close(): void;
}

/** Inviter creates a channel + invite, scanner joins and accepts; both sessions open. */
export async function pairByInvite(server: string): Promise<Pair> {
  const inviter = await newClient(server);
  const inv = inviter.createInvite();
  const scanner = await newClient(server, inviter.channelId);
  const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
  return {
    inviter,
    scanner,
    a,
    b,
    close() {
      inviter.close();
      scanner.close();
    },
  };
}

/** Resolves with the next event of `name` on an emitter-like object. */
export function next<T extends unknown[]>(
  em: { once(ev: never, fn: (...a: T) => void): unknown },
  name: string,
): Promise<T> {
  return new Promise((r) => em.once(name as never, (...a: T) => r(a)));
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
