// Helpers of the witness tests: a log built in memory (so forks are easy to make), add-checkpoint
// request bodies, and a witness on a free port with a silent logger.
import * as keyshare from '@sealpeer/client/keyshare';
import pino from 'pino';
import { MerkleTree } from '../src/log/tree.ts';
import { type RunningWitness, startWitness, type WitnessOptions } from '../src/witness/server.ts';
import { onCleanup, tempDir } from './helpers.ts';

export class MemLog {
  readonly tree = new MerkleTree();
  constructor(
    readonly signer: keyshare.NoteSigner,
    readonly tag = 'honest',
  ) {}
  get verifierKey(): string {
    return keyshare.formatVerifierKey(this.signer);
  }
  grow(n: number, tag = this.tag): this {
    for (let i = 0; i < n; i++) {
      this.tree.append(keyshare.hashLeaf(new TextEncoder().encode(`${tag} ${this.tree.size}`)));
    }
    return this;
  }
  /** A copy with the same first `size` leaves (the log key holder forking its own log). */
  fork(size: number, tag: string): MemLog {
    const f = new MemLog(this.signer, tag);
    for (let i = 0; i < size; i++) f.tree.append(this.tree.leafHash(i));
    return f;
  }
  checkpoint(size = this.tree.size): string {
    return keyshare.signCheckpoint(
      { origin: this.signer.name, size, rootHash: this.tree.root(size) },
      this.signer,
    );
  }
  /** tlog-witness add-checkpoint body from `old` to the current size. */
  body(old: number, size = this.tree.size): string {
    const proof = old === 0 || old === size ? [] : this.tree.consistencyProof(old, size);
    return `old ${old}\n${proof.map((h) => `${keyshare.toBase64(h)}\n`).join('')}\n${this.checkpoint(size)}`;
  }
}

export async function startTestWitness(
  opts: Partial<WitnessOptions> & Pick<WitnessOptions, 'logs'>,
): Promise<RunningWitness> {
  const w = await startWitness({
    dataDir: opts.dataDir ?? tempDir(),
    port: 0,
    logger: pino({ level: 'silent' }),
    ...opts,
  });
  onCleanup(() => w.close());
  return w;
}

export async function addCheckpoint(
  w: { url: string },
  body: string,
): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
