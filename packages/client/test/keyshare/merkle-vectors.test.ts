// Every transparency-dev/merkle test case under ../shared/vectors/merkle (inclusion and consistency,
// happy paths and corrupted ones with wantErr) through the client's verifier, counted.
import { describe, expect, it } from 'vitest';
import { loadVectorTree } from '../../../../test-support/vectors.ts';
import { fromBase64 } from '../../src/keyshare/encoding.ts';
import { verifyConsistency, verifyInclusion } from '../../src/keyshare/merkle.ts';

function b64(v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new Error('vector field is not a string');
  return fromBase64(v);
}

function proofOf(v: unknown): Uint8Array[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw new Error('vector proof is not a list');
  return v.map(b64);
}

function num(v: unknown): number {
  if (typeof v !== 'number') throw new Error('vector size is not a number');
  return v;
}

function outcome(f: () => void): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

/** Runs every case of one vector folder through `verify`; asserts wantErr, returns the counts. */
function runFolder(folder: 'inclusion' | 'consistency', verify: (v: Record<string, unknown>) => void): void {
  const cases = loadVectorTree('merkle', folder);
  let happy = 0;
  let corrupted = 0;
  for (const [path, raw] of cases) {
    const v = raw as Record<string, unknown>;
    const wantErr = v.wantErr;
    expect(typeof wantErr, path).toBe('boolean');
    expect(
      outcome(() => verify(v)),
      `${path}: ${String(v.desc)}`,
    ).toBe(wantErr);
    if (wantErr) corrupted++;
    else happy++;
  }
  console.log(`merkle ${folder} vectors: ${cases.length} (${happy} happy, ${corrupted} corrupted)`);
  expect(cases.length).toBeGreaterThan(0);
  expect(happy).toBeGreaterThan(0);
  expect(corrupted).toBeGreaterThan(0);
}

describe('RFC 6962 proof vectors (transparency-dev/merkle testdata)', () => {
  it('inclusion: every case', () => {
    runFolder('inclusion', (v) =>
      verifyInclusion(num(v.leafIdx), num(v.treeSize), b64(v.leafHash), proofOf(v.proof), b64(v.root)),
    );
  });

  it('consistency: every case', () => {
    runFolder('consistency', (v) =>
      verifyConsistency(num(v.size1), num(v.size2), proofOf(v.proof), b64(v.root1), b64(v.root2)),
    );
  });
});
