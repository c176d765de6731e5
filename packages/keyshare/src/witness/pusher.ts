// The keyshare's side of C2SP tlog-witness: after every new checkpoint it asks each configured
// witness to cosign it (add-checkpoint with a consistency proof from the witness's last cosigned
// size), verifies the returned cosignature against the pinned witness key, and keeps it so the
// served checkpoint carries it. One push at a time per witness, always of the newest checkpoint
// (intermediate ones are skipped); a 409 tells the witness's size and the push is retried from it.
import * as keyshare from '@sealpeer/client/keyshare';
import type { Logger } from 'pino';

export interface WitnessTarget {
  /** Submission prefix, e.g. https://witness.example.net (POST <url>/add-checkpoint). */
  readonly url: string;
  readonly key: keyshare.NoteVerifier;
}

/** Parses `URL,COSIGNER_KEY` (the --witness flag). */
export function parseWitnessTarget(text: string): WitnessTarget {
  const comma = text.indexOf(',');
  const url = text.slice(0, comma).replace(/\/+$/, '');
  if (comma < 0 || !/^https?:\/\/[^\s,]+$/.test(url)) {
    throw new Error(
      `--witness "${text}" must be URL,COSIGNER_KEY (e.g. https://w.example,w.example/w1+1a2b3c4d+BA…)`,
    );
  }
  try {
    return { url, key: keyshare.parseCosignerKey(text.slice(comma + 1)) };
  } catch (err) {
    throw new Error(`--witness "${text}": the key is not a cosigner key (${(err as Error).message})`);
  }
}

export interface PusherDeps {
  readonly consistencyProof: (oldSize: number, newSize: number) => Uint8Array[];
  readonly logger: Logger;
  /** Called with the plain checkpoint note and the witness's verified cosignature line. */
  readonly onCosigned: (note: string, line: string) => void;
  /** Called whenever this witness is done with a size (cosigned, or refused for good). */
  readonly onSettled: () => void;
  readonly requestTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 60_000;

class PushRefused extends Error {}

export class WitnessPusher {
  readonly target: WitnessTarget;
  readonly #deps: PusherDeps;
  /** The witness's latest cosigned size for this log, as it last told us (null: not asked yet). */
  #witnessSize: number | null = null;
  /** Largest checkpoint size this witness is done with: cosigned, or refused for good. */
  settledSize = -1;
  #pending: string | null = null;
  #running = false;
  #closed = false;
  #wake: (() => void) | null = null;
  /** Aborts an in-flight request on close (a hanging witness must not hold the process open). */
  readonly #abort = new AbortController();

  constructor(target: WitnessTarget, deps: PusherDeps) {
    this.target = target;
    this.#deps = deps;
  }

  /** Asks for a cosignature on `note` (the plain log-signed checkpoint), replacing any queued one. */
  push(note: string): void {
    if (this.#closed) return;
    this.#pending = note;
    this.#wake?.();
    if (!this.#running) void this.#loop();
  }

  close(): void {
    this.#closed = true;
    this.#abort.abort();
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    this.#running = true;
    let backoff = 500;
    while (this.#pending && !this.#closed) {
      const note = this.#pending;
      this.#pending = null;
      const size = keyshare.parseCheckpoint(keyshare.parseSignedNote(note).text).size;
      try {
        await this.#pushOnce(note, size);
        backoff = 500;
        this.#settle(size);
      } catch (err) {
        if (this.#closed) break;
        if (err instanceof PushRefused) {
          this.#deps.logger.error(
            { witness: this.target.url, size, err: err.message },
            'witness refused the checkpoint',
          );
          this.#settle(size);
          continue;
        }
        this.#deps.logger.warn(
          { witness: this.target.url, size, err: (err as Error).message, retryInMs: backoff },
          'witness unreachable; will retry',
        );
        this.#pending ??= note; // retry unless a newer checkpoint is queued
        await new Promise<void>((r) => {
          const t = setTimeout(r, backoff);
          this.#wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.#wake = null;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    this.#running = false;
  }

  #settle(size: number): void {
    if (size > this.settledSize) this.settledSize = size;
    this.#deps.onSettled();
  }

  async #pushOnce(note: string, size: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const old = this.#witnessSize ?? 0;
      if (old > size)
        throw new PushRefused(`the witness has cosigned a larger tree (${old}) than ours (${size})`);
      const proof = old === 0 || old === size ? [] : this.#deps.consistencyProof(old, size);
      const body = `old ${old}\n${proof.map((h) => `${keyshare.toBase64(h)}\n`).join('')}\n${note}`;
      const res = await fetch(`${this.target.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.#deps.requestTimeoutMs ?? 10_000),
        ]),
      });
      const text = await res.text();
      if (res.status === 409) {
        const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
        if (!m) throw new PushRefused(`409 without a tree size: ${text.slice(0, 200)}`);
        this.#witnessSize = Number(m[1]);
        continue;
      }
      if (res.status >= 500 || res.status === 429) throw new Error(`HTTP ${res.status}`); // retried
      if (res.status !== 200) throw new PushRefused(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      this.#witnessSize = size;
      this.#deps.onCosigned(note, this.#verifiedLine(note, text));
      return;
    }
    throw new Error('the witness size kept changing');
  }

  /** The answer's signature line by the pinned witness key, verified over the checkpoint. */
  #verifiedLine(note: string, answer: string): string {
    const { text } = keyshare.parseSignedNote(note);
    for (const line of answer.split('\n').filter((l) => l.length > 0)) {
      let sig: keyshare.NoteSignature;
      try {
        [sig] = keyshare.parseSignedNote(`${text}\n${line}\n`).signatures as [keyshare.NoteSignature];
      } catch {
        continue;
      }
      try {
        if (keyshare.verifyCosignature(sig, text, this.target.key) !== null) return `${line}\n`;
      } catch (err) {
        throw new PushRefused(`the witness answered a bad cosignature: ${(err as Error).message}`);
      }
    }
    throw new PushRefused('the witness answered no cosignature by its pinned key');
  }
}
