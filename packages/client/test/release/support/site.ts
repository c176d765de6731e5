// A small release and a real HTTP server (node:http, port 0) serving it from a mutable map, so a test
// can tamper with one file at a time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createManifest,
  formatStatement,
  type NoteSigner,
  serializeManifest,
  sha256Hex,
  signNote,
  sriSha384,
} from '../../../src/release/index.ts';

const enc = new TextEncoder();

/** index.html loading one script and one stylesheet with SRI, plus the files, manifest and signed note. */
export function makeRelease(signer: NoteSigner, version = '1.2.3'): Map<string, Uint8Array> {
  const js = enc.encode('console.log("sealpeer test app");\n');
  const css = enc.encode('body { color: black; }\n');
  const html = enc.encode(
    `<!doctype html><html><head>
<script type="module" src="/assets/app-1.js" integrity="${sriSha384(js)}" crossorigin="anonymous"></script>
<link rel="stylesheet" href="/assets/app-1.css" integrity="${sriSha384(css)}" crossorigin="anonymous">
</head><body></body></html>\n`,
  );
  const files = new Map<string, Uint8Array>([
    ['index.html', html],
    ['assets/app-1.js', js],
    ['assets/app-1.css', css],
  ]);
  const manifest = serializeManifest(createManifest(version, files));
  files.set('manifest.json', manifest);
  files.set(
    'release.note',
    enc.encode(signNote(formatStatement({ version, manifestSha256: sha256Hex(manifest) }), signer)),
  );
  return files;
}

export interface SiteServer {
  url: string;
  files: Map<string, Uint8Array>;
  close(): Promise<void>;
}

export async function serveSite(files: Map<string, Uint8Array>): Promise<SiteServer> {
  const server: Server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    files,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
