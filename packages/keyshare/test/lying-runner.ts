// Interprets the lying-keyshare case files in test/lying-attacks/*.json: an honest keyshare gets the
// `setup` records, a victim client (behind a lying double) looks up `seen` first (so it holds the
// current checkpoint), then the double rewrites the answer to `GET /v1/records/<lookup>` as `lie`
// says, with the operator's powers (it holds the log key) but no way to break SHA-256 or Ed25519.
// The victim's lookup must fail with `expect` (an integrity reason), or give it ('active',
// 'not_found') for the control cases. Shape, validated on load:
//   { "desc": string, "setup": Step[], "seen"?: handle, "lookup": handle, "lie": Lie, "expect": string }
//   Step = { "op": "claim"|"rotate"|"revoke", "handle": string, "key"?: name (claim/rotate: new key) }
//   Lie  = { "captureBefore"?: true   (serve the answer for `lookup` captured before the setup),
//            "bare404"?: true         (404 with only an error body),
//            "absenceOf"?: handle     (404 with the honest absence answer of another, absent handle),
//            "absenceWithOwnProof"?: true (404 carrying the honest map proof of `lookup`),
//            "serveLeaf"?: { "handle": string, "seq": int } (that record, its leaf index and a fresh
//                                     inclusion proof against the current checkpoint),
//            "mapProofOf"?: handle    (the honest map proof of another handle),
//            "mapValue"?: "served"    (the map leaf's index and hash set to the served record's),
//            "siblings"?: "flipFirst"|"dropFirst"|"appendOne",
//            "drop"?: field name,
//            "checkpoint"?: "flipMapRoot"|"dropMapLine"|"twoMapLines"|"sameSizeOtherMap" (re-signed
//                                     with the real log key) }
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { MerkleTree } from '../src/log/tree.ts';
import { failureOf, startTestKeyshare, tempDir, testKey } from './helpers.ts';
import { type Answer, startLyingDouble } from './lying-double.ts';

type Json = Record<string, unknown>;

export interface LyingStep {
  op: 'claim' | 'rotate' | 'revoke';
  handle: string;
  key?: string;
}

export interface Lie {
  captureBefore?: boolean;
  bare404?: boolean;
  absenceOf?: string;
  absenceWithOwnProof?: boolean;
  serveLeaf?: { handle: string; seq: number };
  mapProofOf?: string;
  mapValue?: 'served';
  siblings?: 'flipFirst' | 'dropFirst' | 'appendOne';
  drop?: string;
  checkpoint?: 'flipMapRoot' | 'dropMapLine' | 'twoMapLines' | 'sameSizeOtherMap';
}

export interface LyingCase {
  desc: string;
  setup: LyingStep[];
  seen?: string;
  lookup: string;
  lie: Lie;
  expect: string;
}

const LIE_KEYS = new Set([
  'captureBefore',
  'bare404',
  'absenceOf',
  'absenceWithOwnProof',
  'serveLeaf',
  'mapProofOf',
  'mapValue',
  'siblings',
  'drop',
  'checkpoint',
]);

export function parseLyingCase(file: string, raw: unknown): LyingCase {
  const c = raw as LyingCase;
  const ok =
    typeof c?.desc === 'string' &&
    Array.isArray(c.setup) &&
    c.setup.every((s) => ['claim', 'rotate', 'revoke'].includes(s?.op) && typeof s.handle === 'string') &&
    typeof c.lookup === 'string' &&
    typeof c.expect === 'string' &&
    typeof c.lie === 'object' &&
    c.lie !== null &&
    Object.keys(c.lie).every((k) => LIE_KEYS.has(k));
  if (!ok) throw new Error(`${file}: not a lying-keyshare case`);
  return c;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

async function getAnswer(url: string, handle: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}/v1/records/${handle}`);
  return { status: res.status, body: (await res.json()) as Json };
}

/** Record `seq` of `handle` as logged, its leaf index and an inclusion proof at the current size. */
async function loggedLeaf(url: string, handle: string, seq: number): Promise<Json> {
  const size = ((await (await fetch(`${url}/healthz`)).json()) as { treeSize: number }).treeSize;
  const { leaves } = (await (await fetch(`${url}/v1/leaves?start=0&end=${size}`)).json()) as {
    leaves: string[];
  };
  const tree = new MerkleTree();
  let found: Json | null = null;
  leaves.forEach((l, i) => {
    const leaf = Buffer.from(l, 'base64');
    tree.append(keyshare.hashLeaf(leaf));
    const r = keyshare.parseRecordLeaf(leaf);
    if (r.handle === handle && r.seq === seq) found = { record: keyshare.recordToJson(r), leafIndex: i };
  });
  if (!found) throw new Error(`no logged record ${handle}#${seq}`);
  const f = found as Json;
  return { ...f, inclusionProof: tree.inclusionProof(f.leafIndex as number).map(b64) };
}

function resign(note: string, signer: keyshare.NoteSigner, how: NonNullable<Lie['checkpoint']>): string {
  const cp = keyshare.parseCheckpoint(keyshare.parseSignedNote(note).text);
  const root = cp.mapRoot ?? keyshare.MAP_EMPTY;
  const other = Uint8Array.from(root, (b, i) => (i === 0 ? b ^ 1 : b));
  const base = { origin: cp.origin, size: cp.size, rootHash: cp.rootHash };
  if (how === 'flipMapRoot' || how === 'sameSizeOtherMap')
    return keyshare.signCheckpoint({ ...base, mapRoot: other }, signer);
  if (how === 'dropMapLine') return keyshare.signCheckpoint(base, signer);
  const text = `${keyshare.formatCheckpoint({ ...base, mapRoot: root })}${keyshare.MAP_ROOT_LINE} ${b64(other)}\n`;
  return keyshare.signNote(text, [signer]);
}

function rewriteSiblings(p: Json, how: NonNullable<Lie['siblings']>): Json {
  const s = [...(p.siblings as string[])];
  if (how === 'flipFirst') {
    const first = Buffer.from(s[0] ?? b64(new Uint8Array(32)), 'base64');
    first[0] = first[0]! ^ 1;
    s[0] = first.toString('base64');
  } else if (how === 'dropFirst') s.shift();
  else s.push(s[0] ?? b64(new Uint8Array(32)));
  return { ...p, siblings: s };
}

/** Builds the lying answer from the honest one (`upstream`). */
async function lyingAnswer(
  c: LyingCase,
  url: string,
  signer: keyshare.NoteSigner,
  captured: Answer | null,
  upstream: Answer,
): Promise<Answer> {
  const lie = c.lie;
  if (lie.captureBefore && captured) return captured;
  const json = (status: number, body: unknown): Answer => ({
    status,
    contentType: 'application/json',
    body: JSON.stringify(body),
  });
  if (lie.bare404) return json(404, { error: { code: 'not_found', message: `no record for ${c.lookup}` } });
  if (lie.absenceOf) {
    const other = await getAnswer(url, lie.absenceOf);
    if (other.status !== 404) throw new Error(`${lie.absenceOf} is not absent`);
    return json(404, other.body);
  }
  let body = JSON.parse(upstream.body) as Json;
  if (lie.absenceWithOwnProof) {
    return json(404, {
      error: { code: 'not_found', message: 'gone' },
      mapProof: body.mapProof,
      checkpoint: body.checkpoint,
    });
  }
  if (lie.serveLeaf) body = { ...body, ...(await loggedLeaf(url, lie.serveLeaf.handle, lie.serveLeaf.seq)) };
  if (lie.mapProofOf) body = { ...body, mapProof: (await getAnswer(url, lie.mapProofOf)).body.mapProof };
  if (lie.mapValue === 'served') {
    const rec = keyshare.recordFromJson(body.record);
    const mp = body.mapProof as Json;
    const leaf = {
      ...(mp.leaf as Json),
      leafIndex: body.leafIndex,
      leafHash: b64(keyshare.recordLeafHash(rec)),
    };
    body = { ...body, mapProof: { ...mp, leaf } };
  }
  if (lie.siblings) body = { ...body, mapProof: rewriteSiblings(body.mapProof as Json, lie.siblings) };
  if (lie.drop) delete body[lie.drop];
  if (lie.checkpoint)
    body = { ...body, checkpoint: resign(body.checkpoint as string, signer, lie.checkpoint) };
  return json(upstream.status, body);
}

/** Runs one case; returns the victim's outcome (an integrity reason, a request code, or 'active'...). */
export async function runLyingCase(c: LyingCase): Promise<string> {
  const dataDir = tempDir();
  const ks = await startTestKeyshare({ dataDir });
  const signer = keyshare.parseSignerKey(readFileSync(join(dataDir, 'log-key'), 'utf8').trim());
  const owner = new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey });
  const before = await fetch(`${ks.url}/v1/records/${c.lookup}`);
  const captured: Answer = {
    status: before.status,
    contentType: 'application/json',
    body: await before.text(),
  };
  const keys = new Map<string, string>();
  for (const s of c.setup) {
    const key = s.key ?? `${s.handle}-1`;
    if (s.op === 'claim') await owner.publish(s.handle, testKey(key));
    else if (s.op === 'rotate')
      await owner.rotate(s.handle, testKey(keys.get(s.handle)!).signer, testKey(key));
    else await owner.revoke(s.handle, testKey(keys.get(s.handle)!).signer);
    if (s.op !== 'revoke') keys.set(s.handle, key);
  }
  const double = await startLyingDouble(ks.url);
  const victim = new KeyshareClient({ url: double.url, verifierKey: ks.verifierKey });
  if (c.seen) await victim.lookup(c.seen);
  if (c.lie.checkpoint === 'sameSizeOtherMap') await victim.lookup(c.lookup); // holds the honest map root
  double.lie = async (req, upstream) => {
    const honest = await upstream();
    if (req.path !== `/v1/records/${c.lookup}`) return honest;
    return lyingAnswer(c, ks.url, signer, captured, honest);
  };
  const outcome = await failureOf(victim.lookup(c.lookup));
  if (outcome !== 'no error') return outcome;
  return (await victim.lookup(c.lookup)).status;
}
