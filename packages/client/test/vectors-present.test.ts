import { describe, expect, it } from 'vitest';
import { loadVectorTree } from '../../../test-support/vectors.ts';

describe('shared test vectors', () => {
  it('are reachable from the project root', () => {
    const merkle = loadVectorTree('merkle');
    console.log(`merkle vector files: ${merkle.length}`);
    expect(merkle.length).toBeGreaterThan(100);
  });
});
