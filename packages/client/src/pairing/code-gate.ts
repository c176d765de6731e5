// Online-guessing bounds of the short-code path (docs/protocol.md Part 2, 2.7): which PAKE1 a shower
// answers, and which PAKE2 a joiner checks. Every answered PAKE1 / checked PAKE2 is one guess for its
// sender; these limits keep the number of guesses per code small whatever third parties send.

/** Shower: answered PAKE1 per code in total (then the code ends with `attempts_exhausted`). */
export const MAX_TRIES_PER_CODE = 10;
/** Shower: answered PAKE1 per sender per code (a user who mistyped retries from the same device). */
export const MAX_TRIES_PER_SENDER = 3;
/** Shower: attempts of one code in flight at once. */
export const MAX_CONCURRENT_PER_CODE = 4;
/** Shower: PAKE1 answered per sender per minute, over all its codes. */
export const MAX_PAKE1_PER_SENDER_PER_MINUTE = 6;
/** Joiner: PAKE2 checked per attempt (one per sender). */
export const MAX_PAKE2_PER_ATTEMPT = 8;
/** Joiner: after a PAKE2 whose tag fails, how long a matching one may still come (then `wrong_code`). */
export const PAKE2_GRACE_MS = 3000;

/** The tries of one shown code. */
export class CodeTries {
  readonly #senders = new Map<string, number>();
  #live = 0;
  #tries = 0;

  /** Why a PAKE1 from `from` is not answered, or undefined to answer it (which takes one try). */
  refuse(from: string): string | undefined {
    if ((this.#senders.get(from) ?? 0) >= MAX_TRIES_PER_SENDER)
      return 'this sender used its tries at this code';
    if (this.#live >= MAX_CONCURRENT_PER_CODE) return 'too many attempts at this code in flight';
    if (this.#tries >= MAX_TRIES_PER_CODE) return 'the code used up its tries';
    return undefined;
  }

  take(from: string): void {
    this.#senders.set(from, (this.#senders.get(from) ?? 0) + 1);
    this.#live++;
    this.#tries++;
  }

  /** An attempt ended without opening; true when the code has no try left. */
  failed(): boolean {
    this.#live--;
    return this.#tries >= MAX_TRIES_PER_CODE && this.#live === 0;
  }
}

/** Shower: PAKE1 per sender per minute, over all codes (a sliding window of answer times). */
export class SenderRate {
  readonly #seen = new Map<string, number[]>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Takes one answer for `from`; false when it is over its rate. */
  take(from: string): boolean {
    const now = this.#now();
    const times = (this.#seen.get(from) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= MAX_PAKE1_PER_SENDER_PER_MINUTE) {
      this.#seen.set(from, times);
      return false;
    }
    times.push(now);
    this.#seen.set(from, times);
    if (this.#seen.size > 1024) this.#seen.delete(this.#seen.keys().next().value!);
    return true;
  }
}

/** Joiner: one PAKE2 per sender, MAX_PAKE2_PER_ATTEMPT in total. */
export class Pake2Checks {
  readonly #senders = new Set<string>();

  /** Why a PAKE2 from `from` is not checked, or undefined to check it (which takes one check). */
  take(from: string): string | undefined {
    if (this.#senders.has(from)) return 'this sender already sent a PAKE2';
    if (this.#senders.size >= MAX_PAKE2_PER_ATTEMPT) return 'too many PAKE2 for this attempt';
    this.#senders.add(from);
    return undefined;
  }
}
