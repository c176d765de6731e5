// Loads a Wycheproof file from ../shared/vectors/wycheproof and hands out its tests with typed fields.
// Throws when the file is missing, empty or shaped differently, so a suite never passes on no vectors.
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import { fromHex } from '../../src/crypto/bytes.ts';

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  tcId: number;
  result: WycheproofResult;
  flags: string[];
  group: Record<string, unknown>;
  /** Hex field of the test as bytes; throws when the field is absent or not hex. */
  bytes(field: string): Uint8Array;
  num(field: string): number;
}

export function wycheproofTests(file: string): WycheproofTest[] {
  const doc = loadVectorJson('wycheproof', file) as { testGroups?: unknown };
  if (!Array.isArray(doc.testGroups)) throw new Error(`${file}: no testGroups`);
  const out: WycheproofTest[] = [];
  for (const g of doc.testGroups as Array<Record<string, unknown>>) {
    if (!Array.isArray(g.tests)) throw new Error(`${file}: group without tests`);
    for (const t of g.tests as Array<Record<string, unknown>>) {
      const result = t.result;
      if (result !== 'valid' && result !== 'invalid' && result !== 'acceptable')
        throw new Error(`${file}: bad result ${String(result)}`);
      if (typeof t.tcId !== 'number') throw new Error(`${file}: tcId missing`);
      out.push({
        tcId: t.tcId,
        result,
        flags: Array.isArray(t.flags) ? t.flags.map(String) : [],
        group: g,
        bytes(field) {
          const v = t[field];
          if (typeof v !== 'string') throw new Error(`${file} #${t.tcId}: field ${field} missing`);
          return fromHex(v);
        },
        num(field) {
          const v = t[field];
          if (typeof v !== 'number') throw new Error(`${file} #${t.tcId}: field ${field} not a number`);
          return v;
        },
      });
    }
  }
  if (out.length === 0) throw new Error(`${file}: zero tests`);
  return out;
}

/** Tally of outcomes per Wycheproof result class, printed by each suite. */
export class Tally {
  readonly counts: Record<WycheproofResult, number> = { valid: 0, invalid: 0, acceptable: 0 };
  constructor(readonly name: string) {}
  add(r: WycheproofResult): void {
    this.counts[r]++;
  }
  get total(): number {
    return this.counts.valid + this.counts.invalid + this.counts.acceptable;
  }
  print(extra = ''): void {
    const c = this.counts;
    console.log(
      `${this.name}: ${this.total} tests (valid ${c.valid}, invalid ${c.invalid}, acceptable ${c.acceptable})${extra}`,
    );
  }
}
