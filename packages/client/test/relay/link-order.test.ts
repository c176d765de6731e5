// RelayLink's event order after a re-login (docs/protocol.md 2.13), on a scripted socket: the relay's
// `peers` answer and a `presence` join that follows it in the same read must reach the client in that
// order (`resumed`, then `presence`), although the answer resolves a promise. Otherwise the client would
// take the peer that just joined for absent and keep its frames forever. A real server cannot be made to
// put both frames in one read on demand, so this one case uses a scripted WebSocket.
import { describe, expect, it } from 'vitest';
import type { WebSocketCtor } from '../../src/relay/connection.ts';
import type { FetchLike } from '../../src/relay/http.ts';
import { RelayLink } from '../../src/relay/link.ts';

const CHANNEL = '00000000-0000-4000-8000-000000000001';
const ME = '00000000-0000-4000-8000-00000000000a';
const PEER = '00000000-0000-4000-8000-00000000000b';

/** Sockets made so far; each answers login and subscribe, the second one with peers + a join at once. */
const sockets: ScriptedSocket[] = [];
type Listener = (ev: unknown) => void;
class ScriptedSocket {
  readyState = 0;
  readonly #listeners = new Map<string, Listener[]>();
  constructor(_url: string) {
    sockets.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.fire('open', {});
    }, 1);
  }
  addEventListener(type: string, fn: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }
  fire(type: string, ev: unknown): void {
    for (const fn of this.#listeners.get(type) ?? []) fn(ev);
  }
  #reply(frame: unknown): void {
    this.fire('message', { data: JSON.stringify(frame) });
  }
  send(raw: string): void {
    const f = JSON.parse(raw) as { type: string; id?: string };
    if (f.type === 'login')
      setTimeout(() => this.#reply({ type: 'login_ok', clientId: ME, channelId: CHANNEL }), 1);
    if (f.type === 'subscribe')
      setTimeout(() => {
        // One read holding both frames: the answer, then the peer's join right behind it.
        this.#reply({ type: 'peers', peers: [], ref: f.id });
        if (sockets.length > 1) this.#reply({ type: 'presence', event: 'join', clientId: PEER });
      }, 1);
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire('close', { code: 1006 });
  }
}

const fetchCredential: FetchLike = async () => ({
  ok: true,
  status: 200,
  json: async () => ({ clientId: ME, password: 'p'.repeat(43), expiresAt: '2099-01-01T00:00:00Z' }),
});

describe('RelayLink after a re-login', () => {
  it('passes on a join that came right behind the peers answer after `resumed`, not before', async () => {
    const link = await RelayLink.open({
      server: 'http://127.0.0.1:9',
      channelId: CHANNEL,
      sessionId: '00000000-0000-4000-8000-0000000000cc',
      WebSocket: ScriptedSocket as unknown as WebSocketCtor,
      fetch: fetchCredential,
      reconnect: { minDelayMs: 5, maxDelayMs: 10 },
    });
    expect(await link.subscribe()).toEqual([]);
    const order: string[] = [];
    link.on('resumed', (peers) => order.push(`resumed ${peers.join(',')}`));
    link.on('presence', (ev, id) => order.push(`${ev} ${id}`));
    const back = new Promise((r) => link.on('presence', r));
    sockets[0]!.close(); // the relay went away
    await back;
    expect(sockets.length).toBe(2);
    expect(order).toEqual(['resumed ', `join ${PEER}`]);
    expect(link.state).toBe('connected');
    link.close();
  });
});
