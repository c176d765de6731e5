// A TCP load balancer for tests, the way HAProxy or nginx's stream module front relay nodes: each new
// connection goes to the first backend (in the given order) that accepts it, so when a node dies its
// clients' reconnects land on the next one. No stickiness, no HTTP awareness: bytes both ways.
// Loopback only.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  /** http://127.0.0.1:port */
  url: string;
  /** Backend (http://host:port) each accepted connection went to, in order. */
  readonly routed: string[];
  close(): Promise<void>;
}

function connectTo(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

export async function startBalancer(backends: readonly string[]): Promise<Balancer> {
  const routed: string[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer(async (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    for (const b of backends) {
      let up: Socket;
      try {
        up = await connectTo(b);
      } catch {
        continue; // refused: the next backend
      }
      routed.push(b);
      open.add(up);
      up.on('close', () => {
        open.delete(up);
        client.destroy();
      });
      up.on('error', () => up.destroy());
      client.on('close', () => up.destroy());
      client.pipe(up);
      up.pipe(client);
      client.resume();
      return;
    }
    client.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close() {
      for (const s of open) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
