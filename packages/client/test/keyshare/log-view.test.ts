// Client-side checkpoint tracking, split-view checks between peers, and the state stores.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/keyshare/checkpoint.ts';
import { checkPeerCheckpoint } from '../../src/keyshare/client.ts';
import { KeyshareIntegrityError } from '../../src/keyshare/errors.ts';
import { LogView, logSlot } from '../../src/keyshare/log-view.ts';
import { emptyRoot, hashChildren, hashLeaf } from '../../src/keyshare/merkle.ts';
import { jsonFileStateStore } from '../../src/keyshare/node-file-state.ts';
import { formatVerifierKey, generateNoteSigner } from '../../src/keyshare/note.ts';
import { MemoryStateStore } from '../../src/keyshare/state.ts';
import { verifyCheckpointNote } from '../../src/keyshare/verify.ts';

// A tiny RFC 6962 tree for the test (MTH and PROOF straight from §2.1).
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
const mth = (d: Uint8Array[]): Uint8Array =>
  d.length === 0
    ? emptyRoot()
    : d.length === 1
      ? hashLeaf(d[0]!)
      : hashChildren(mth(d.slice(0, split(d.length))), mth(d.slice(split(d.length))));
const subproof = (m: number, d: Uint8Array[], b: boolean): Uint8Array[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
};

const signer = generateNoteSigner('test.example/log');
const leavesA = Array.from({ length: 9 }, (_, i) => new Uint8Array([1, i]));
const leavesB = leavesA.map((l, i) => (i === 3 ? new Uint8Array([9, 9]) : l)); // fork at leaf 3
const cp = (d: Uint8Array[], n: number) =>
  signCheckpoint({ origin: signer.name, size: n, rootHash: mth(d.slice(0, n)) }, signer);
const proofsOf = (d: Uint8Array[]) => async (m: number, n: number) => subproof(m, d.slice(0, n), true);

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof KeyshareIntegrityError) return err.reason;
    throw err;
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('LogView', () => {
  it('refuses one tree size and root signed with two map roots (fork_detected; split_view between peers)', async () => {
    const withMap = (n: number, byte: number) =>
      signCheckpoint(
        {
          origin: signer.name,
          size: n,
          rootHash: mth(leavesA.slice(0, n)),
          mapRoot: new Uint8Array(32).fill(byte),
        },
        signer,
      );
    const view = new LogView(signer, new MemoryStateStore(), proofsOf(leavesA));
    await view.advance(verifyCheckpointNote(withMap(5, 1), signer));
    await view.advance(verifyCheckpointNote(withMap(5, 1), signer)); // the same note again is fine
    expect(await reason(view.advance(verifyCheckpointNote(withMap(5, 2), signer)))).toBe('fork_detected');
    const log = { verifier: signer, consistencyProof: proofsOf(leavesA) };
    expect(await reason(checkPeerCheckpoint(withMap(5, 1), withMap(5, 2), log))).toBe('split_view');
    expect(await reason(checkPeerCheckpoint(withMap(5, 1), withMap(5, 1), log))).toBe('ok');
  });

  it('advances through consistent checkpoints and refuses rollback, fork and rewritten history', async () => {
    const view = new LogView(signer, new MemoryStateStore(), proofsOf(leavesA));
    await view.advance(verifyCheckpointNote(cp(leavesA, 3), signer));
    await view.advance(verifyCheckpointNote(cp(leavesA, 7), signer));
    await view.advance(verifyCheckpointNote(cp(leavesA, 7), signer));
    expect((await view.latest())?.size).toBe(7);
    expect(await reason(view.advance(verifyCheckpointNote(cp(leavesA, 5), signer)))).toBe(
      'checkpoint_rollback',
    );
    expect(await reason(view.advance(verifyCheckpointNote(cp(leavesB, 7), signer)))).toBe('fork_detected');
    const forkView = new LogView(signer, new MemoryStateStore(), proofsOf(leavesB));
    await forkView.advance(verifyCheckpointNote(cp(leavesA, 5), signer));
    expect(await reason(forkView.advance(verifyCheckpointNote(cp(leavesB, 9), signer)))).toBe(
      'consistency_failed',
    );
    expect((await view.latest())?.size).toBe(7); // refused checkpoints are not stored
  });

  it('persists in a JSON file across restarts and detects a tampered state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealpeer-state-'));
    dirs.push(dir);
    const file = join(dir, 'keyshare-state.json');
    await new LogView(signer, jsonFileStateStore(file), proofsOf(leavesA)).advance(
      verifyCheckpointNote(cp(leavesA, 6), signer),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const restarted = new LogView(signer, jsonFileStateStore(file), proofsOf(leavesB));
    expect((await restarted.latest())?.size).toBe(6);
    expect(await reason(restarted.advance(verifyCheckpointNote(cp(leavesB, 8), signer)))).toBe(
      'consistency_failed',
    );
    const other = generateNoteSigner(signer.name);
    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { note: string }>;
    expect(Object.keys(state)).toEqual([logSlot(signer)]); // keyed by the verifier key, not the name
    state[logSlot(signer)] = {
      note: signCheckpoint({ origin: signer.name, size: 1, rootHash: mth(leavesA.slice(0, 1)) }, other),
    };
    writeFileSync(file, JSON.stringify(state));
    expect(await reason(restarted.latest())).toBe('state_invalid');
    writeFileSync(file, '{"broken');
    expect(await reason(restarted.latest())).toBe('state_invalid');
  });
});

describe('state slots: one per log verifier key', () => {
  it('two logs with the same origin name share a store without colliding', async () => {
    const twin = generateNoteSigner(signer.name); // another log, same (e.g. default) name
    const store = new MemoryStateStore();
    const a = new LogView(signer, store, proofsOf(leavesA));
    const b = new LogView(twin, store, proofsOf(leavesB));
    await a.advance(verifyCheckpointNote(cp(leavesA, 5), signer));
    const twinCp = signCheckpoint({ origin: twin.name, size: 3, rootHash: mth(leavesB.slice(0, 3)) }, twin);
    await b.advance(verifyCheckpointNote(twinCp, twin));
    expect((await a.latest())?.size).toBe(5);
    expect((await b.latest())?.size).toBe(3);
    expect(logSlot(signer)).toBe(formatVerifierKey(signer));
    expect(logSlot(twin)).not.toBe(logSlot(signer));
  });

  it('takes over an entry stored under the origin name by its own key; leaves another key’s alone', async () => {
    const twin = generateNoteSigner(signer.name);
    const store = new MemoryStateStore();
    await store.save(signer.name, { note: cp(leavesA, 6) }); // what older versions wrote
    const ours = new LogView(signer, store, proofsOf(leavesA));
    expect((await ours.latest())?.size).toBe(6);
    expect((await store.load(logSlot(signer)))?.note).toBe(cp(leavesA, 6)); // migrated to the new slot
    // The same legacy entry is another log's for the twin key: it starts fresh instead of failing.
    const theirs = new LogView(twin, store, proofsOf(leavesB));
    expect(await theirs.latest()).toBeNull();
    // The migrated state still protects: a rollback below the legacy size is refused.
    expect(await reason(ours.advance(verifyCheckpointNote(cp(leavesA, 4), signer)))).toBe(
      'checkpoint_rollback',
    );
    // A legacy entry that is not a signed note at all is damage, not another log: fail closed.
    const damaged = new MemoryStateStore();
    await damaged.save(signer.name, { note: 'not a note' });
    expect(await reason(new LogView(signer, damaged, proofsOf(leavesA)).latest())).toBe('state_invalid');
  });
});

describe('checkPeerCheckpoint (split-view detection)', () => {
  const log = { verifier: signer, consistencyProof: proofsOf(leavesA) };

  it('same and consistent views pass, in either order', async () => {
    expect((await checkPeerCheckpoint(cp(leavesA, 5), cp(leavesA, 5), log)).status).toBe('same');
    const r = await checkPeerCheckpoint(cp(leavesA, 3), cp(leavesA, 8), log);
    expect(r.status).toBe('consistent');
    expect(r.newer.size).toBe(8);
    expect((await checkPeerCheckpoint(cp(leavesA, 8), cp(leavesA, 3), log)).older.size).toBe(3);
    expect((await checkPeerCheckpoint(cp(leavesA, 0), cp(leavesB, 8), log)).status).toBe('consistent');
  });

  it('a split view is detected (same size, different sizes)', async () => {
    expect(await reason(checkPeerCheckpoint(cp(leavesA, 6), cp(leavesB, 6), log))).toBe('split_view');
    expect(await reason(checkPeerCheckpoint(cp(leavesA, 8), cp(leavesB, 5), log))).toBe('split_view');
    expect(await reason(checkPeerCheckpoint(cp(leavesB, 4), cp(leavesA, 8), log))).toBe('split_view');
  });

  it("a peer's checkpoint of another log or key is refused", async () => {
    const other = generateNoteSigner(signer.name);
    const foreign = signCheckpoint(
      { origin: signer.name, size: 2, rootHash: mth(leavesA.slice(0, 2)) },
      other,
    );
    expect(await reason(checkPeerCheckpoint(cp(leavesA, 2), foreign, log))).toBe('checkpoint_invalid');
    expect(await reason(checkPeerCheckpoint(cp(leavesA, 2), 'garbage', log))).toBe('checkpoint_invalid');
  });
});
