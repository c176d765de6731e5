// Is a loopback port free right now (nobody listens on 127.0.0.1:port)?
import { createServer } from 'node:net';

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
