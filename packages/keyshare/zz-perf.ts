import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { startKeyshare } from './src/index.ts';
import { loadOrCreateLogKey } from './src/keys.ts';
import { openDb } from './src/store/db.ts';

const size = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'ksperf-'));
loadOrCreateLogKey(dir, undefined);
const db = openDb(join(dir, 'keyshare.sqlite'));
const ins = db.prepare(
  'INSERT INTO leaves (idx, handle, leaf, leaf_hash, record_json, logged_at) VALUES (?, ?, ?, ?, ?, ?)',
);
const insH = db.prepare('INSERT INTO handles (handle, leaf_idx) VALUES (?, ?)');
const json = JSON.stringify({
  v: 1,
  kind: 'claim',
  handle: 'filler',
  seq: 0,
  createdAt: 1,
  expiresAt: null,
  identityKey: 'A'.repeat(43) + '=',
  x25519Key: 'A'.repeat(43) + '=',
  prev: 'A'.repeat(43) + '=',
  sig: 'A'.repeat(86) + '==',
});
let t = performance.now();
db.transaction(() => {
  for (let i = 0; i < size; i++) {
    const leaf = Buffer.alloc(200);
    leaf.writeUInt32BE(i);
    const h = createHash('sha256')
      .update(Buffer.from([0]))
      .update(leaf)
      .digest();
    ins.run(i, `h-${i}`, leaf, h, json, 0);
    insH.run(`h-${i}`, i);
  }
})();
db.close();
console.log('build', ((performance.now() - t) / 1000).toFixed(1), 's');
t = performance.now();
const ks = await startKeyshare({
  dataDir: dir,
  port: 0,
  logger: pino({ level: 'silent' }),
  rateLimits: { readPerMinute: 0, writePerMinute: 0 },
});
console.log(
  'start',
  ((performance.now() - t) / 1000).toFixed(1),
  's',
  'rss MB',
  Math.round(process.memoryUsage().rss / 1e6),
);
let i = 0;
const r = await autocannon({
  url: ks.url,
  connections: 32,
  duration: 6,
  requests: [
    { method: 'GET', setupRequest: (req: any) => ({ ...req, path: `/v1/records/h-${(i++ * 7919) % size}` }) },
  ],
});
console.log('lookups/s', Math.round(r.requests.average), 'p99', r.latency.p99, 'non2xx', r.non2xx);
await ks.close();
