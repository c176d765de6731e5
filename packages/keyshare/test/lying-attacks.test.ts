// Every lying-keyshare case in test/lying-attacks/*.json (interpreted by lying-runner.ts): the operator
// serves superseded records with fresh inclusion proofs, bare or borrowed 404s, map proofs of other
// handles, checkpoints with a wrong or missing map root, tampered map proofs; the client refuses each
// with the documented KeyshareIntegrityError reason. Controls check the honest answers pass.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLyingCase, runLyingCase } from './lying-runner.ts';

const dir = join(import.meta.dirname, 'lying-attacks');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('lying keyshare: map cases (test/lying-attacks/*.json)', () => {
  it('has lying-keyshare case files', () => {
    console.log(`lying-keyshare case files: ${files.length}`);
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  for (const f of files) {
    const c = parseLyingCase(f, JSON.parse(readFileSync(join(dir, f), 'utf8')));
    it(`${f}: ${c.desc} -> ${c.expect}`, async () => {
      expect(await runLyingCase(c)).toBe(c.expect);
    });
  }
});
