// An in-memory relay for client tests that need to feed the client arbitrary relay frames: a fake
// WebSocket that answers login / subscribe like the server, and a fake fetch for the two HTTP calls.
// Used only where a real server cannot send what the test needs (a hostile relay's raw frames).
import { randomUUID } from 'node:crypto';
import { type ConnectOptions, SealpeerClient } from '../../src/client.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import type { FetchLike } from '../../src/relay/http.ts';

type Listener = (ev: { data?: unknown; code?: number }) => void;

export class FakeRelaySocket {
  readyState = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  readonly #listeners = new Map<string, Listener[]>();
  constructor(
    readonly url: string,
    readonly clientId: string,
    readonly channelId: string,
  ) {
    queueMicrotask(() => {
      this.readyState = 1;
      this.#fire('open', {});
    });
  }
  addEventListener(type: string, fn: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }
  send(data: string): void {
    const f = JSON.parse(data) as Record<string, unknown>;
    this.sent.push(f);
    if (f.type === 'login')
      queueMicrotask(() =>
        this.deliver(
          JSON.stringify({ type: 'login_ok', clientId: this.clientId, channelId: this.channelId }),
        ),
      );
    if (f.type === 'subscribe')
      queueMicrotask(() => this.deliver(JSON.stringify({ type: 'peers', peers: [] })));
  }
  close(): void {
    this.readyState = 3;
  }
  /** A raw frame from the "relay" (synchronously, as the socket's message event). */
  deliver(raw: unknown): void {
    this.#fire('message', { data: raw });
  }
  #fire(type: string, ev: { data?: unknown }): void {
    for (const fn of this.#listeners.get(type) ?? []) fn(ev);
  }
}

/** A SealpeerClient connected to the fake relay; `socket` delivers whatever the test wants. */
export async function fakeRelayClient(
  extra: Partial<ConnectOptions> = {},
): Promise<{ client: SealpeerClient; socket: FakeRelaySocket; channelId: string }> {
  await ready();
  const channelId = randomUUID();
  const clientId = randomUUID();
  let socket!: FakeRelaySocket;
  const WebSocket = class extends FakeRelaySocket {
    constructor(url: string) {
      super(url, clientId, channelId);
      socket = this;
    }
  };
  const fetch: FetchLike = async (url) => ({
    ok: true,
    status: 200,
    json: async () =>
      String(url).endsWith('/sessions') ? { clientId, password: 'x'.repeat(32) } : { channelId },
  });
  const client = await SealpeerClient.connect({
    server: 'http://127.0.0.1:9',
    channelId,
    identity: Identity.generate(),
    WebSocket: WebSocket as never,
    fetch,
    handshakeTimeoutMs: 60_000,
    ...extra,
  });
  return { client, socket, channelId };
}
