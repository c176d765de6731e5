// Raw TCP clients for slow-client tests (server, keyshare, witness): a socket from a chosen 127.x source
// address that sends what the test says and records what came back and when it was closed.
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawConn {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Milliseconds from connect to close (set once the server or the test closed it). */
  closed: Promise<number>;
}

/** Opens a TCP connection to `url`'s host and port from `localAddress`; resolves once connected. */
export function rawConnect(url: string, send = '', localAddress = '127.0.0.1'): Promise<RawConn> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let got = '';
    const socket = connect({ host: u.hostname, port: Number(u.port), localAddress });
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - t0)));
    socket.on('data', (d) => {
      got += d.toString();
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      if (send) socket.write(send);
      resolve({ socket, received: () => got, closed });
    });
  });
}

/** Rejects if `p` does not settle within `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}

/** A plain GET over a fresh connection from `localAddress`; the status code, or 0 if none came. */
export async function rawGet(url: string, path: string, localAddress = '127.0.0.1'): Promise<number> {
  const u = new URL(url);
  const c = await rawConnect(
    url,
    `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`,
    localAddress,
  );
  await within(c.closed, 5000, `GET ${path}`);
  const m = /^HTTP\/1\.1 (\d{3})/.exec(c.received());
  return m ? Number(m[1]) : 0;
}

/** Reads a whole HTTP reply: its status and its body as JSON, or as text when it is not JSON. */
export function readReply(res: IncomingMessage): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve) => {
    let text = '';
    res.on('data', (d: Buffer) => {
      text += d.toString();
    });
    res.on('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      resolve({ status: res.statusCode ?? 0, body: parsed });
    });
  });
}
