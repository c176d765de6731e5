// Keyshare-under-test process. `start` builds a log of `size` leaves straight into a fresh data dir
// (the keyshare's own key file and schema, one SQLite transaction), times a rebuild of the verifiable
// map from it (what a start does, measured alone), then starts the keyshare on it, which rebuilds its
// Merkle tree and map and signs a checkpoint as at any start. The `sample` handles that the bench
// looks up hold real signed claim records; the other leaves are filler (a distinct handle and leaf
// each, with the record JSON of a real claim) — proof cost and size depend only on the tree and the
// map's keys, not on leaf contents. With `real`, every leaf is a real signed claim of its own handle
// (one identity key, signed with node:crypto for speed), so a monitor can audit the whole log.
// `append` then publishes real records through the service (record checks, SQLite transaction with
// fsync, map update, checkpoint signature) and times each.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
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
    ks = (await import('@sealpeer/client/keyshare')) as Mod;
    return { index, keys, db, client };
  } catch (e) {
    throw new Error(`skipped: @sealpeer/keyshare is not ready (${String(e).split('\n')[0]})`);
  }
}

function seedFor(name: string): Uint8Array {
  return createHash('sha256').update(`sealpeer bench identity ${name}`).digest();
}

/** A claim of `handle` for these keys, signed by `sign`, as JSON and as leaf bytes. */
function signedClaim(
  handle: string,
  createdAt: number,
  keys: { identityKey: Uint8Array; x25519Key: Uint8Array },
  sign: (bytes: Uint8Array) => Uint8Array,
): { json: unknown; leaf: Uint8Array } {
  const r = { kind: 'claim', handle, seq: 0, createdAt, expiresAt: null, ...keys, prev: new Uint8Array(32) };
  const signed = {
    ...r,
    signature: sign((ks.recordSigningBytes as (r: unknown) => Uint8Array)(r)),
    prevSignature: null,
  };
  return {
    json: (ks.recordToJson as (r: unknown) => unknown)(signed),
    leaf: (ks.recordLeaf as (r: unknown) => Uint8Array)(signed),
  };
}

/** A claim by the handle's own deterministic key (the client's signer). */
async function claim(handle: string, createdAt: number): Promise<{ json: unknown; leaf: Uint8Array }> {
  const signer = (
    ks.ed25519RecordSigner as (s: Uint8Array) => { publicKey: Uint8Array; sign(m: Uint8Array): Uint8Array }
  )(seedFor(handle));
  const keys = { identityKey: signer.publicKey, x25519Key: seedFor(`x25519 ${handle}`) };
  return signedClaim(handle, createdAt, keys, (b) => signer.sign(b));
}

const leafHash = (leaf: Uint8Array): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(leaf)
    .digest();

/** A real claim of `handle` by one shared identity, signed with node:crypto (same bytes). */
function fastClaim(
  handle: string,
  createdAt: number,
  id: { publicKey: Uint8Array; key: ReturnType<typeof createPrivateKey> },
): { json: unknown; leaf: Uint8Array } {
  const keys = { identityKey: id.publicKey, x25519Key: id.publicKey };
  return signedClaim(handle, createdAt, keys, (b) => new Uint8Array(nodeSign(null, b, id.key)));
}

function nodeIdentity(): { publicKey: Uint8Array; key: ReturnType<typeof createPrivateKey> } {
  const seed = seedFor('bench monitor identity');
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const signer = (ks.ed25519RecordSigner as (s: Uint8Array) => { publicKey: Uint8Array })(seed);
  return { publicKey: signer.publicKey, key };
}

/** Rebuilds the map from the leaves as LogStore does at start (one scan in log order); seconds, heap. */
async function timeMapRebuild(
  db: import('better-sqlite3').Database,
): Promise<{ s: number; heapMiB: number }> {
  const mapMod = (await import('../../packages/keyshare/src/map/sparse-map.ts')) as Mod;
  const hashMod = (await import('../../packages/keyshare/src/log/node-hash.ts')) as Mod;
  const SparseMap = mapMod.SparseMap as new (
    h: unknown,
  ) => {
    set(k: Uint8Array, v: unknown): void;
    root(): Uint8Array;
  };
  const mapKey = hashMod.nodeMapKey as (h: string) => Uint8Array;
  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const map = new SparseMap(hashMod.nodeMapHasher);
  // Chunked like LogStore's start (plucked arrays are much faster than a row iterator).
  const chunk = db
    .prepare('SELECT handle, leaf_hash FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx')
    .raw();
  const count = (db.prepare('SELECT COUNT(*) FROM leaves').pluck().get() as number) ?? 0;
  for (let start = 0; start < count; start += 100_000) {
    let leafIndex = start;
    for (const [handle, leafHash] of chunk.all(start, start + 100_000) as Array<[string, Buffer]>) {
      map.set(mapKey(handle), { leafIndex: leafIndex++, leafHash });
    }
  }
  map.root();
  const s = (performance.now() - t0) / 1000;
  const heapMiB = (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0) / 2 ** 20;
  return { s, heapMiB };
}

async function start(args: unknown) {
  const { size, sample, real } = args as { size: number; sample: number; real?: boolean };
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
  const now = Date.now();
  const every = Math.max(1, Math.floor(size / sample));
  const handles: string[] = [];
  const template = await claim('filler-template', now);
  const templateJson = JSON.stringify(template.json);
  const realLeaves = new Map<number, { json: string; leaf: Uint8Array }>();
  const id = real ? nodeIdentity() : null;
  for (let i = 0; i < size && !real; i += every) {
    const handle = `bench-${i}`;
    const c = await claim(handle, now);
    realLeaves.set(i, { json: JSON.stringify(c.json), leaf: c.leaf });
    handles.push(handle);
  }
  const fill = db.transaction(() => {
    const idx = Buffer.alloc(8);
    for (let i = 0; i < size; i++) {
      const sampled = realLeaves.get(i);
      let leaf: Uint8Array;
      let json: string;
      let handle: string;
      if (id) {
        handle = `bench-${i}`;
        const c = fastClaim(handle, now, id);
        leaf = c.leaf;
        json = JSON.stringify(c.json);
        if (i % every === 0) handles.push(handle);
      } else if (sampled) {
        ({ leaf, json } = sampled);
        handle = `bench-${i}`;
      } else {
        idx.writeBigUInt64BE(BigInt(i));
        leaf = Buffer.concat([template.leaf, idx]);
        json = templateJson;
        handle = `filler-${i}`;
      }
      insertLeaf.run(i, handle, leaf, leafHash(leaf), json, now);
    }
  });
  fill();
  const built = (performance.now() - t0) / 1000;
  const mapRebuild = await timeMapRebuild(db);
  db.close();
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
    mapRebuildS: mapRebuild.s,
    mapHeapMiB: mapRebuild.heapMiB,
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
