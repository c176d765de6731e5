// One registry of error codes per package, checked both ways against docs/errors.md §Keyshare: the
// service's HTTP codes, and the client's keyshare integrity reasons and client codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../test-support/vectors.ts';
import { ERROR_CODES } from '../src/errors.ts';

function keyshareSection(): string {
  const doc = readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8');
  const start = doc.indexOf('<!-- section: keyshare -->');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('<!-- section:', start + 10);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Codes of the table rows under a `### heading` of the section: "| `code` | ... |". */
function tableCodes(section: string, heading: string): Map<string, string[]> {
  const start = section.indexOf(`### ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = section.indexOf('\n### ', start + 4);
  const part = section.slice(start, next < 0 ? undefined : next);
  const rows = new Map<string, string[]>();
  for (const line of part.split('\n')) {
    const m = /^\| `([a-z_0-9]+)` \|(.*)\|$/.exec(line.trim());
    if (m)
      rows.set(
        m[1]!,
        m[2]!.split('|').map((c) => c.trim()),
      );
  }
  return rows;
}

describe('error-code registry vs docs/errors.md §Keyshare', () => {
  const section = keyshareSection();

  it('service HTTP codes: same set, same status', () => {
    const doc = tableCodes(section, 'Service (HTTP)');
    expect([...doc.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, [status]] of Object.entries(ERROR_CODES))
      expect(doc.get(code)?.[0], code).toBe(String(status));
  });

  it('client integrity reasons and client codes: same sets', () => {
    expect([...tableCodes(section, 'Client: KeyshareIntegrityError reasons').keys()].sort()).toEqual(
      Object.keys(keyshare.KEYSHARE_INTEGRITY_REASONS).sort(),
    );
    expect([...tableCodes(section, 'Client: KeyshareUnverifiedError reasons').keys()].sort()).toEqual(
      Object.keys(keyshare.KEYSHARE_UNVERIFIED_REASONS).sort(),
    );
    // A reason is either proof (integrity, red alarm) or not (unverified), never both.
    for (const r of Object.keys(keyshare.KEYSHARE_UNVERIFIED_REASONS))
      expect(Object.keys(keyshare.KEYSHARE_INTEGRITY_REASONS)).not.toContain(r);
    expect([...tableCodes(section, 'Client: other codes').keys()].sort()).toEqual(
      Object.keys(keyshare.KEYSHARE_CLIENT_CODES).sort(),
    );
  });
});
