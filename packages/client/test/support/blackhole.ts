// A TCP proxy on loopback in front of a real server that can turn into a black hole: its connections
// stay open but nothing crosses any more, in either direction, and closes are not passed on — a relay
// that stopped answering without closing anything (a dead NAT mapping, a frozen host). `heal()` cuts the
// black-holed connections and lets new ones through again.
import { createServer, type Server, Socket } from 'node:net';

interface Pair {
  client: Socket;
  up: Socket;
  dark: boolean;
}

export class BlackholeProxy {
  url = '';
  #server: Server;
  #dark = false;
  readonly #pairs = new Set<Pair>();

  private constructor(upstream: URL) {
    this.#server = createServer((client) => {
      const up = new Socket();
      const pair: Pair = { client, up, dark: this.#dark };
      this.#pairs.add(pair);
      up.connect(Number(upstream.port), upstream.hostname);
      // While dark, bytes are read and thrown away: the sender's writes succeed, nothing arrives.
      client.on('data', (b) => pair.dark || up.write(b));
      up.on('data', (b) => pair.dark || client.write(b));
      const end = (): void => {
        if (pair.dark) return; // a black hole does not report closes either
        this.#pairs.delete(pair);
        client.destroy();
        up.destroy();
      };
      client.on('close', end);
      up.on('close', end);
      client.on('error', () => undefined);
      up.on('error', () => undefined);
    });
  }

  static async start(upstream: string): Promise<BlackholeProxy> {
    const p = new BlackholeProxy(new URL(upstream));
    await new Promise<void>((r) => p.#server.listen(0, '127.0.0.1', r));
    const addr = p.#server.address();
    p.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return p;
  }

  /** From now on nothing crosses any connection, open or new (they stay open). */
  blackhole(): void {
    this.#dark = true;
    for (const p of this.#pairs) p.dark = true;
  }

  /** Cuts the black-holed connections; new ones work again. */
  heal(): void {
    this.#dark = false;
    for (const p of [...this.#pairs])
      if (p.dark) {
        this.#pairs.delete(p);
        p.client.destroy();
        p.up.destroy();
      }
  }

  async close(): Promise<void> {
    for (const p of this.#pairs) {
      p.client.destroy();
      p.up.destroy();
    }
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
