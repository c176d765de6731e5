// The plain-words lines `npm start` prints once both services listen (on stderr, so that stdout stays
// JSON log lines for `| npx pino-pretty` or `| jq`).
import { relative } from 'node:path';
import QRCode from 'qrcode';
import type { LocalTls } from './local-ca.ts';

export interface BannerInput {
  appUrls: string[];
  /** The URLs above that only this computer can open. */
  localOnly: (url: string) => boolean;
  keyshareUrl: string;
  verifierKey: string;
  dataDir: string;
  adminUrl: string | undefined;
  tls: LocalTls | undefined;
  /** Listening on every interface over plain HTTP: phones get no camera there. */
  plainHttpOnLan: boolean;
  cwd: string;
}

function shown(path: string, cwd: string): string {
  const r = relative(cwd, path);
  return r && !r.startsWith('..') ? `./${r}` : path;
}

export async function banner(b: BannerInput): Promise<string> {
  const pad = ' '.repeat(17);
  const lines = ['', 'sealpeer is running.', ''];
  b.appUrls.forEach((u, i) => {
    lines.push(
      `${i === 0 ? '  Open the app:  ' : pad}${u}${b.localOnly(u) ? '   (this computer only)' : ''}`,
    );
  });
  lines.push(`  Keyshare:      ${b.keyshareUrl}`);
  lines.push(`  Verifier key:  ${b.verifierKey}`);
  lines.push(
    `${pad}(built into this app build: Contacts offers the keyshare without a paste, docs/keyshare.md)`,
  );
  const parts = ['server/', 'keyshare/', ...(b.tls ? ['tls/'] : [])].join(', ');
  lines.push(`  Data lives in: ${shown(b.dataDir, b.cwd)}  (${parts})`);
  if (b.adminUrl) lines.push(`  Metrics:       ${b.adminUrl}/metrics   (this computer only)`);
  if (b.plainHttpOnLan)
    lines.push(
      '',
      '  Phones can open the addresses above, but browsers allow the camera (QR scanning) and offline',
      '  use only on HTTPS pages: run `npm start -- --lan` instead.',
    );
  const remote = b.appUrls.find((u) => !b.localOnly(u));
  if (b.tls) {
    lines.push(
      '',
      `  HTTPS by a certificate authority made on this computer: ${shown(b.tls.caDerFile, b.cwd)}`,
      `  (SHA-256 ${b.tls.caFingerprint}).`,
      '  On a phone, install and trust it once (docs/operators/phone.md), or accept the warning once',
      '  (camera works; offline use needs the trusted CA).',
    );
    if (remote) {
      const qr = await QRCode.toString(remote, { type: 'terminal', small: true });
      lines.push('', `  Then scan this with the phone's camera to open ${remote}:`, '', qr);
    }
  }
  lines.push(
    '',
    'Logs follow as JSON lines on stdout (readable: npm start | npx pino-pretty). Ctrl-C stops both.',
    '',
  );
  return lines.join('\n');
}
