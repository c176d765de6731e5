// One registry of error codes per package: the app's (src/core/errors.ts) against docs/errors.md §App,
// both ways.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../test-support/vectors.ts';
import { APP_ERROR_CODES } from '../../src/core/errors.ts';

function appSection(): string {
  const doc = readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8');
  const start = doc.indexOf('<!-- section: app -->');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('<!-- section:', start + 10);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('error-code registry vs docs/errors.md §App', () => {
  it('same set of codes', () => {
    const codes = [...appSection().matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.sort()).toEqual(Object.keys(APP_ERROR_CODES).sort());
  });
});
