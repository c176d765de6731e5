// Crash safety of the witness (issue 18, item 3): kill -9 `sealpeer-keyshare witness` while parallel
// clients ask it to cosign a growing log (C2SP tlog-witness add-checkpoint), restart it on the same data
// dir, then check: integrity_check ok; its stored state covers every cosignature it answered before the
// kill (size >= each, the honest root at that size, so every acknowledged checkpoint is consistent with
// it); and it refuses a fork that branches off below the largest acknowledged checkpoint (no fork
// cosigned after a crash). Used by packages/keyshare/test/crash.test.ts and `npm run harden`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import Database from 'better-sqlite3';
import { MerkleTree } from '../packages/keyshare/src/log/tree.ts';
import { burst, integrity, kill9, launch, type RoundResult } from './crash.ts';

const BIN = 'packages/keyshare/bin/sealpeer-keyshare.js';

/** A log held in memory: its key holder can sign any tree, so forks are easy to make. */
class Log {
  readonly tree = new MerkleTree();
  constructor(
    readonly signer: keyshare.NoteSigner,
    readonly tag: string,
  ) {}
  grow(n: number): this {
    const enc = new TextEncoder();
    for (let i = 0; i < n; i++)
      this.tree.append(keyshare.hashLeaf(enc.encode(`${this.tag} ${this.tree.size}`)));
    return this;
  }
  fork(shared: number, tag: string): Log {
    const f = new Log(this.signer, tag);
    for (let i = 0; i < shared; i++) f.tree.append(this.tree.leafHash(i));
    return f;
  }
  /** The tlog-witness add-checkpoint body from `old` to `size`. */
  body(old: number, size = this.tree.size): string {
    const proof = old === 0 || old === size ? [] : this.tree.consistencyProof(old, size);
    const note = keyshare.signCheckpoint(
      { origin: this.signer.name, size, rootHash: this.tree.root(size) },
      this.signer,
    );
    return `old ${old}\n${proof.map((h) => `${keyshare.toBase64(h)}\n`).join('')}\n${note}`;
  }
}

export interface WitnessRoundResult extends RoundResult {
  /** The restarted witness cosigned a fork of an acknowledged checkpoint (must be 0). */
  forkCosigned: number;
  /** Largest acknowledged cosigned size before the kill, and the size stored after the restart. */
  maxAcked: number;
  stored: number;
}

const add = async (url: string, body: string) => {
  const r = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return { status: r.status, text: await r.text() };
};

/** One round: `parallel` clients push a growing log's checkpoints, kill -9 after `killAfterMs`, check. */
export async function witnessCrashRound(killAfterMs: number, parallel = 8): Promise<WitnessRoundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-crash-w-'));
  const log = new Log(keyshare.generateNoteSigner('crash.test/log'), 'honest');
  const args = ['witness', '--log', keyshare.formatVerifierKey(log.signer), '--port', '0'];
  args.push('--data-dir', dir, '--rate-limit', '0', '--log-level', 'warn');
  try {
    let p = await launch(BIN, args);
    /** Sizes the witness answered 200 (a cosignature) for. */
    const acked: number[] = [];
    let known = 0; // the witness's latest size as far as the clients know
    await burst(parallel, killAfterMs, p, async () => {
      log.grow(1 + Math.floor(Math.random() * 3));
      const size = log.tree.size;
      const r = await add(p.url, log.body(known, size));
      if (r.status === 200 && r.text.startsWith('\u2014 ')) {
        acked.push(size);
        known = Math.max(known, size);
      } else if (r.status === 409) known = Math.max(known, Number(r.text.trim()));
    });
    const maxAcked = Math.max(0, ...acked);
    p = await launch(BIN, args);
    let forkCosigned = 0;
    try {
      // Its size now: a 409 names it (or, with no state, it cosigns the honest tree: harmless).
      const probe = await add(p.url, log.body(0));
      const s = probe.status === 409 ? Number(probe.text.trim()) : log.tree.size;
      // A fork sharing only the first maxAcked - 1 leaves (fewer if its state fell behind), shown to it
      // as an extension of its state: cosigning it would contradict an acknowledged cosignature.
      if (maxAcked > 0) {
        const shared = Math.min(s, maxAcked - 1);
        const fork = log.fork(shared, 'fork').grow(s + 2 - shared);
        if ((await add(p.url, fork.body(s))).status === 200) forkCosigned++;
      }
    } finally {
      await kill9(p);
    }
    const file = join(dir, 'witness.sqlite');
    const check = integrity(file);
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT size, root_hash FROM witnessed').get() as
      | { size: number; root_hash: Buffer }
      | undefined;
    db.close();
    const stored = row?.size ?? 0;
    const honest = row === undefined || Buffer.from(log.tree.root(stored)).equals(row.root_hash);
    const lost = acked.filter((size) => size > stored || !honest).length;
    return { acked: acked.length, lost, integrity: check, killAfterMs, forkCosigned, maxAcked, stored };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
