import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyshare } from '@sealpeer/client';
import { MerkleTree } from './src/log/tree.ts';

const size = Number(process.argv[2] ?? 1_000_000);
let t = performance.now();
const tree = new MerkleTree();
for (let i = 0; i < size; i++) {
  const l = new Uint8Array(32);
  l[0] = i & 255;
  l[1] = (i >> 8) & 255;
  l[2] = i >> 16;
  tree.append(l);
}
console.log('append', ((performance.now() - t) / 1000).toFixed(2));
t = performance.now();
tree.root();
console.log('root ms', performance.now() - t);
t = performance.now();
for (let k = 0; k < 2000; k++) tree.inclusionProof((k * 7919) % size, size);
console.log('proof us', (((performance.now() - t) * 1000) / 2000).toFixed(1));
t = performance.now();
for (let k = 0; k < 20000; k++) keyshare.hashChildren(new Uint8Array(32), new Uint8Array(32));
console.log('hashChildren us', (((performance.now() - t) * 1000) / 20000).toFixed(2));
