import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyshare } from '@sealpeer/client';
import { loadOrCreateLogKey } from './src/keys.ts';
import { openDb } from './src/store/db.ts';
import { LogStore } from './src/store/log-store.ts';

const size = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'ksperf-'));
const { signer } = loadOrCreateLogKey(dir, undefined);
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
const t = performance.now();
const store = new LogStore(db, signer);
console.log('load s', ((performance.now() - t) / 1000).toFixed(2));
const N = 5000;
const time = (name: string, f: (k: number) => unknown) => {
  const t = performance.now();
  for (let k = 0; k < N; k++) f(k);
  console.log(name, (((performance.now() - t) * 1000) / N).toFixed(1), 'us');
};
time('sql', (k) => store.latest(`h-${(k * 7919) % size}`));
time('json.parse', () => JSON.parse(json));
time('proof', (k) => store.tree.inclusionProof((k * 7919) % size, size));
const pr = store.tree.inclusionProof(5, size);
time('b64', () => pr.map((b) => Buffer.from(b).toString('base64')));
time('noble hashChildren', () => keyshare.hashChildren(pr[0]!, pr[1]!));
time('node hashChildren', () =>
  createHash('sha256')
    .update(Buffer.from([1]))
    .update(pr[0]!)
    .update(pr[1]!)
    .digest(),
);
