// Every attack case in test/attacks/*.json against a fresh keyshare: the expected refusal code, and
// nothing stored or overwritten by a refused request.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAttackCase, runAttackCase } from './attack-runner.ts';
import { startTestKeyshare } from './helpers.ts';

const dir = join(import.meta.dirname, 'attacks');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('publish attack cases (test/attacks/*.json)', () => {
  it('has attack cases', () => {
    console.log(`keyshare attack case files: ${files.length}`);
    expect(files.length).toBeGreaterThan(10);
  });

  for (const f of files) {
    const c = parseAttackCase(f, JSON.parse(readFileSync(join(dir, f), 'utf8')));
    it(`${f}: ${c.desc}`, async () => {
      const ks = await startTestKeyshare();
      const refusals = await runAttackCase(ks.url, c);
      expect(refusals).toBeGreaterThan(0);
    });
  }
});
