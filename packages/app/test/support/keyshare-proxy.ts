// A reverse proxy in front of a real keyshare that can rewrite the witness cosignature lines in what
// it serves (the checkpoint notes inside lookup answers and /checkpoint): 'pass' forwards untouched,
// 'strip' drops every cosignature line by `witnessName` (what a witness that is down, or a proxy,
// causes), 'forge' alters one base64 character of that witness's signature (a forged cosignature).
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CosignatureMode = 'pass' | 'strip' | 'forge';

export interface KeyshareProxy {
  url: string;
  mode: CosignatureMode;
  /** How many answers had a cosignature line rewritten (so a test can show the proxy acted). */
  rewritten: number;
  close(): Promise<void>;
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

/** `upstream()` gives the keyshare's origin (it may be started after the proxy). */
export async function startKeyshareProxy(
  upstream: () => string,
  witnessName: string,
): Promise<KeyshareProxy> {
  // A note signature line by the witness (C2SP signed-note: "— <name> <base64>\n"), as raw text or
  // JSON-escaped inside an answer body.
  const esc = witnessName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const line = new RegExp(`(?:\u2014|\\\\u2014) ${esc} ([A-Za-z0-9+/=]+)(?:\\n|\\\\n)`, 'g');
  const proxy: KeyshareProxy = {
    url: '',
    mode: 'pass',
    rewritten: 0,
    close: async () => undefined,
  };
  const rewrite = (body: string): string => {
    if (proxy.mode === 'pass' || !line.test(body)) return body;
    line.lastIndex = 0;
    proxy.rewritten++;
    if (proxy.mode === 'strip') return body.replace(line, '');
    return body.replace(line, (whole, b64: string) => {
      // Past the 4-byte key ID and 8-byte timestamp (16 base64 characters): inside the signature.
      const at = 30;
      const flipped = b64[at] === 'A' ? 'B' : 'A';
      return whole.replace(b64, `${b64.slice(0, at)}${flipped}${b64.slice(at + 1)}`);
    });
  };
  const server: Server = createServer((req, res) => {
    const target = new URL(upstream());
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        void readAll(upRes).then((raw) => {
          const body = Buffer.from(rewrite(raw.toString('utf8')), 'utf8');
          const headers = { ...upRes.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(upRes.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
