// All of a keyshare's witnesses: pushes each new checkpoint to them (pusher.ts), keeps the verified
// cosignatures of recent checkpoints, and appends them to the checkpoint it serves (signed-note
// signature lines after the log's own, tlog-cosignature §Format).
import * as keyshare from '@sealpeer/client/keyshare';
import type { Logger } from 'pino';
import { WitnessPusher, type WitnessTarget } from './pusher.ts';

/** Recent checkpoints whose cosignatures are kept (only the newest is served; older answers race). */
const KEEP = 64;

export class Witnessing {
  readonly pushers: WitnessPusher[];
  /** plain checkpoint note -> witness URL -> cosignature line */
  readonly #lines = new Map<string, Map<string, string>>();
  #waiters: Array<{ size: number; done: () => void }> = [];

  constructor(
    targets: readonly WitnessTarget[],
    consistencyProof: (oldSize: number, newSize: number) => Uint8Array[],
    logger: Logger,
  ) {
    this.pushers = targets.map(
      (t) =>
        new WitnessPusher(t, {
          consistencyProof,
          logger,
          onCosigned: (note, line) => this.#store(note, t.url, line),
          onSettled: () => this.#checkWaiters(),
        }),
    );
  }

  /** A new checkpoint was signed: ask every witness to cosign it. */
  notify(note: string): void {
    for (const p of this.pushers) p.push(note);
  }

  /** The checkpoint with the cosignatures gathered for exactly this note appended. */
  cosigned(note: string): string {
    const lines = this.#lines.get(note);
    return lines ? note + [...lines.values()].join('') : note;
  }

  /** Resolves once every witness is done with a checkpoint of at least `size`, or after `ms`. */
  settled(size: number, ms: number): Promise<void> {
    if (this.#allSettled(size)) return Promise.resolve();
    return new Promise((resolve) => {
      const w = {
        size,
        done: () => {
          clearTimeout(t);
          this.#waiters = this.#waiters.filter((x) => x !== w);
          resolve();
        },
      };
      const t = setTimeout(w.done, ms);
      this.#waiters.push(w);
    });
  }

  close(): void {
    for (const p of this.pushers) p.close();
    for (const w of [...this.#waiters]) w.done();
  }

  #allSettled(size: number): boolean {
    return this.pushers.every((p) => p.settledSize >= size);
  }

  #checkWaiters(): void {
    for (const w of [...this.#waiters]) if (this.#allSettled(w.size)) w.done();
  }

  #store(note: string, url: string, line: string): void {
    let m = this.#lines.get(note);
    if (!m) {
      m = new Map();
      this.#lines.set(note, m);
      if (this.#lines.size > KEEP) this.#lines.delete(this.#lines.keys().next().value as string);
    }
    m.set(url, line);
  }
}

/** The size of a checkpoint note (already verified by the caller: the keyshare's own). */
export function checkpointSize(note: string): number {
  return keyshare.parseCheckpoint(keyshare.parseSignedNote(note).text).size;
}
