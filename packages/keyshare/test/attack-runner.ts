// Interprets the attack case files in test/attacks/*.json: a sequence of publish steps built from named
// deterministic keys, each with its expected HTTP status and error code. Shape, validated on load:
//   { "desc": string, "steps": Step[] }
//   Step = { "op": "claim"|"rotate"|"revoke"|"replay"|"raw",
//            "handle"?: string, "key"?: name (signs; for claim/rotate: the new identity),
//            "prevKey"?: name (rotate: signs prevSig; default the current key), "noPrevSig"?: true,
//            "identity"?: name (override identityKey), "seqDelta"?: int (added to the right seq),
//            "prev"?: "current"|"zero"|"first", "createdAtOffsetMs"?: int, "expiresInMs"?: int,
//            "mutate"?: { field: "flip"|value } (applied after signing),
//            "replayStep"?: int (replay: index of an earlier step whose exact body is re-sent),
//            "body"?: any (raw: sent as is), "expect": { "status": int, "code"?: string } }
import * as keyshare from '@sealpeer/client/keyshare';
import { expect } from 'vitest';
import { postJson, signedRecord, testKey } from './helpers.ts';

export interface AttackStep {
  op: 'claim' | 'rotate' | 'revoke' | 'replay' | 'raw';
  handle?: string;
  key?: string;
  prevKey?: string;
  noPrevSig?: boolean;
  identity?: string;
  seqDelta?: number;
  prev?: 'current' | 'zero' | 'first';
  createdAtOffsetMs?: number;
  expiresInMs?: number;
  mutate?: Record<string, unknown>;
  replayStep?: number;
  body?: unknown;
  expect: { status: number; code?: string };
}

export interface AttackCase {
  desc: string;
  steps: AttackStep[];
}

const OPS = new Set(['claim', 'rotate', 'revoke', 'replay', 'raw']);

export function parseAttackCase(file: string, raw: unknown): AttackCase {
  const c = raw as AttackCase;
  if (typeof c?.desc !== 'string' || !Array.isArray(c.steps) || c.steps.length === 0) {
    throw new Error(`${file}: needs desc and steps`);
  }
  for (const s of c.steps) {
    if (!OPS.has(s.op) || typeof s.expect?.status !== 'number')
      throw new Error(`${file}: bad step ${JSON.stringify(s)}`);
  }
  return c;
}

function flip(v: unknown): unknown {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'base64');
    b[0] = (b[0] ?? 0) ^ 1;
    return b.toString('base64');
  }
  if (typeof v === 'number') return v + 1;
  return v;
}

interface HandleState {
  records: keyshare.SignedKeyRecord[];
  keyName: string;
}

/** Runs one case against a fresh keyshare at `url`; asserts each step's outcome and no overwrite. */
export async function runAttackCase(url: string, c: AttackCase): Promise<number> {
  const state = new Map<string, HandleState>();
  const sent: unknown[] = [];
  const now = Date.now();
  let checkedRefusals = 0;
  for (const [i, s] of c.steps.entries()) {
    const handle = s.handle ?? 'alice';
    const st = state.get(handle);
    const current = st?.records.at(-1) ?? null;
    let body: unknown;
    let newKeyName: string | undefined;
    if (s.op === 'raw') body = s.body;
    else if (s.op === 'replay') body = sent[s.replayStep ?? -1];
    else {
      const keyName = s.key ?? st?.keyName ?? 'k1';
      const k = testKey(keyName);
      const identity = s.identity ? testKey(s.identity).signer.publicKey : k.signer.publicKey;
      const prevHash =
        s.prev === 'zero' || (!s.prev && !current)
          ? keyshare.ZERO_HASH
          : s.prev === 'first' && st
            ? keyshare.recordLeafHash(st.records[0]!)
            : current
              ? keyshare.recordLeafHash(current)
              : keyshare.ZERO_HASH;
      const record: keyshare.KeyRecord = {
        kind: s.op,
        handle,
        seq: (current && s.op !== 'claim' ? current.seq + 1 : 0) + (s.seqDelta ?? 0),
        createdAt: now + i + (s.createdAtOffsetMs ?? 0),
        expiresAt: s.expiresInMs === undefined ? null : now + i + (s.createdAtOffsetMs ?? 0) + s.expiresInMs,
        identityKey: s.op === 'revoke' && !s.identity && !s.key && current ? current.identityKey : identity,
        x25519Key: k.x25519Key,
        prev: prevHash,
      };
      const prevSigner =
        s.op === 'rotate' && !s.noPrevSig ? testKey(s.prevKey ?? st?.keyName ?? 'k1').signer : undefined;
      const json = (await signedRecord(record, k.signer, prevSigner)) as unknown as Record<string, unknown>;
      for (const [field, v] of Object.entries(s.mutate ?? {}))
        json[field] = v === 'flip' ? flip(json[field]) : v;
      body = json;
      newKeyName = keyName;
    }
    sent[i] = body;
    const before = current ? await lookupSeq(url, handle) : null;
    const sizeBefore = await treeSize(url);
    const res = await postJson(`${url}/v1/records`, body);
    const answer = (await res.json()) as { error?: { code: string }; record?: unknown };
    expect(res.status, `${c.desc} step ${i}: ${JSON.stringify(answer)}`).toBe(s.expect.status);
    if (s.expect.code) expect(answer.error?.code, `${c.desc} step ${i}`).toBe(s.expect.code);
    if (res.status === 201) {
      const rec = keyshare.recordFromJson(answer.record);
      state.set(rec.handle, {
        records: [...(state.get(rec.handle)?.records ?? []), rec],
        keyName: newKeyName ?? 'k1',
      });
    } else {
      // Refused: nothing stored, nothing overwritten.
      expect(await treeSize(url)).toBe(sizeBefore);
      if (before !== null) expect(await lookupSeq(url, handle)).toBe(before);
      checkedRefusals++;
    }
  }
  return checkedRefusals;
}

async function treeSize(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/healthz`)).json()) as { treeSize: number };
  return body.treeSize;
}

async function lookupSeq(url: string, handle: string): Promise<number | null> {
  const res = await fetch(`${url}/v1/records/${handle}`);
  if (res.status === 404) return null;
  return ((await res.json()) as { record: { seq: number } }).record.seq;
}
