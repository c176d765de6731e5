// Keyshare-under-test process. `start` builds a log of `size` leaves straight into a fresh data dir
// (the keyshare's own key file and schema, one SQLite transaction), then starts the keyshare on it,
// which rebuilds its Merkle tree from the stored leaf hashes and signs a checkpoint as at any start.
// The `sample` handles that the bench looks up hold real signed claim records; the other leaves are
// filler (a distinct handle and leaf each, with the record JSON of a real claim) — proof cost and size
// depend only on the tree, not on leaf contents. `append` then publishes real records through the
// service (record checks, SQLite transaction with fsync, checkpoint signature) and times each.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, usage } from '../lib/child.ts';

type Mod = Record<string, unknown>;
interface Keyshare {
  url: string;
  verifierKey: string;
  service: { publish(body: unknown): { inclusionProof: string[] }; size: number };
  close(): Promise<void>;
}

let running: Keyshare | undefined;
let dataDir: string | undefined;
let ks: Mod;
let seq = 0;

async function load(): Promise<{ index: Mod; keys: Mod; db: Mod; client: Mod }> {
  try {
    const index = (await import('@sealpeer/keyshare')) as Mod;
    if (typeof index.startKeyshare !== 'function') throw new Error('no startKeyshare');
    const keys = (await import('../../packages/keyshare/src/keys.ts')) as Mod;
    const db = (await import('../../packages/keyshare/src/store/db.ts')) as Mod;
    const client = (await import('@sealpeer/client')) as Mod;
    ks = client.keyshare as Mod;
    return { index, keys, db, client };
  } catch (e) {
    throw new Error(`skipped: @sealpeer/keyshare is not ready (${String(e).split('\n')[0]})`);
  }
}

function seedFor(name: string): Uint8Array {
  return createHash('sha256').update(`sealpeer bench identity ${name}`).digest();
}

async function claim(handle: string, createdAt: number): Promise<{ json: unknown; leaf: Uint8Array }> {
  const signer = (
    ks.ed25519RecordSigner as (s: Uint8Array) => { publicKey: Uint8Array; sign(m: Uint8Array): Uint8Array }
  )(seedFor(handle));
  const r = {
    kind: 'claim',
    handle,
    seq: 0,
    createdAt,
    expiresAt: null,
    identityKey: signer.publicKey,
    x25519Key: seedFor(`x25519 ${handle}`),
    prev: new Uint8Array(32),
  };
  const bytes = (ks.recordSigningBytes as (r: unknown) => Uint8Array)(r);
  const signed = { ...r, signature: await signer.sign(bytes), prevSignature: null };
  return {
    json: (ks.recordToJson as (r: unknown) => unknown)(signed),
    leaf: (ks.recordLeaf as (r: unknown) => Uint8Array)(signed),
  };
}

const leafHash = (leaf: Uint8Array): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(leaf)
    .digest();

async function start(args: unknown) {
  const { size, sample } = args as { size: number; sample: number };
  const { index, keys, db: dbMod } = await load();
  dataDir = mkdtempSync(join(tmpdir(), 'sealpeer-bench-ks-'));
  const t0 = performance.now();
  (keys.loadOrCreateLogKey as (d: string, n?: string) => unknown)(dataDir, undefined);
  const db = (dbMod.openDb as (p: string) => import('better-sqlite3').Database)(
    join(dataDir, 'keyshare.sqlite'),
  );
  const insertLeaf = db.prepare(
    'INSERT INTO leaves (idx, handle, leaf, leaf_hash, record_json, logged_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertHandle = db.prepare('INSERT INTO handles (handle, leaf_idx) VALUES (?, ?)');
  const now = Date.now();
  const every = Math.max(1, Math.floor(size / sample));
  const handles: string[] = [];
  const template = await claim('filler-template', now);
  const templateJson = JSON.stringify(template.json);
  const realLeaves = new Map<number, { json: string; leaf: Uint8Array }>();
  for (let i = 0; i < size; i += every) {
    const handle = `bench-${i}`;
    const c = await claim(handle, now);
    realLeaves.set(i, { json: JSON.stringify(c.json), leaf: c.leaf });
    handles.push(handle);
  }
  const fill = db.transaction(() => {
    const idx = Buffer.alloc(8);
    for (let i = 0; i < size; i++) {
      const real = realLeaves.get(i);
      let leaf: Uint8Array;
      let json: string;
      let handle: string;
      if (real) {
        ({ leaf, json } = real);
        handle = `bench-${i}`;
      } else {
        idx.writeBigUInt64BE(BigInt(i));
        leaf = Buffer.concat([template.leaf, idx]);
        json = templateJson;
        handle = `filler-${i}`;
      }
      insertLeaf.run(i, handle, leaf, leafHash(leaf), json, now);
      insertHandle.run(handle, i);
    }
  });
  fill();
  db.close();
  const built = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const pino = (await import('pino')).default;
  running = (await (index.startKeyshare as (o: unknown) => Promise<Keyshare>)({
    dataDir,
    port: 0,
    logger: pino({ level: 'silent' }),
    rateLimits: { readPerMinute: 0, writePerMinute: 0 },
  })) as Keyshare;
  const startS = (performance.now() - t1) / 1000;
  return {
    url: running.url,
    verifierKey: running.verifierKey,
    handles,
    buildS: built,
    startS,
    size: running.service.size,
  };
}

/** Publishes `n` new claims through the service (no HTTP) and returns the time of each in ms. */
async function append(args: unknown) {
  const { n } = args as { n: number };
  if (!running) throw new Error('not started');
  const times: number[] = [];
  let proofLen = 0;
  for (let k = 0; k < n; k++) {
    const c = await claim(`append-${process.pid}-${seq++}`, Date.now());
    const t = performance.now();
    const answer = running.service.publish(c.json);
    times.push(performance.now() - t);
    proofLen = answer.inclusionProof.length;
  }
  return { times, proofLen, size: running.service.size };
}

serve({
  start,
  append,
  usage: () => usage(),
  stop: async () => {
    await running?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    return true;
  },
});
