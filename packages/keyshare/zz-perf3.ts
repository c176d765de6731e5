import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startKeyshare } from './src/index.ts';
import { loadOrCreateLogKey } from './src/keys.ts';
import { openDb } from './src/store/db.ts';

const size = Number(process.argv[2] ?? 100_000);
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
const ks = await startKeyshare({
  dataDir: dir,
  port: 0,
  logger: pino({ level: 'silent' }),
  rateLimits: { readPerMinute: 0, writePerMinute: 0 },
});
let t = performance.now();
for (let k = 0; k < 2000; k++) ks.service.lookup(`h-${(k * 7919) % size}`);
console.log('service.lookup us', (((performance.now() - t) * 1000) / 2000).toFixed(1));
t = performance.now();
for (let k = 0; k < 300; k++) await (await fetch(`${ks.url}/v1/records/h-${(k * 7919) % size}`)).text();
console.log('http sequential us', (((performance.now() - t) * 1000) / 300).toFixed(1));
t = performance.now();
for (let k = 0; k < 300; k++) await (await fetch(`${ks.url}/healthz`)).text();
console.log('healthz us', (((performance.now() - t) * 1000) / 300).toFixed(1));
t = performance.now();
for (let k = 0; k < 300; k++) await (await fetch(`${ks.url}/v1/checkpoint`)).text();
console.log('checkpoint us', (((performance.now() - t) * 1000) / 300).toFixed(1));
const { performance: p2 } = await import('node:perf_hooks');
t = performance.now();
for (let k = 0; k < 300; k++) await (await fetch(`${ks.url}/v1/records/h-${(k * 7919) % size}`)).text();
console.log('http sequential 2 us', (((performance.now() - t) * 1000) / 300).toFixed(1));
await ks.close();
