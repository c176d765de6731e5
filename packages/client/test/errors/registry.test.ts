// The client's sealed-signaling error registry and docs/errors.md (section "Client") list the same codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../test-support/vectors.ts';
import { INTEGRITY_REASONS, reasonFromByte, reasonToByte } from '../../src/errors/integrity.ts';
import { CLIENT_ERROR_CODES } from '../../src/errors/registry.ts';

const doc = readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8');
const section = doc.slice(doc.indexOf('### Sealed signaling'), doc.indexOf('<!-- section: keyshare -->'));
const tableCodes = (heading: RegExp) => {
  const start = section.search(heading);
  const rows = section.slice(start).split('\n\n')[0] ?? '';
  return [...rows.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!);
};

describe('client error registry vs docs/errors.md', () => {
  it('documents every registered code, and registers every documented one', () => {
    const documented = tableCodes(/\| code \| class \|/);
    console.log(`client codes: ${Object.keys(CLIENT_ERROR_CODES).length}, documented: ${documented.length}`);
    expect(documented.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual(Object.keys(CLIENT_ERROR_CODES).sort());
  });

  it('documents every integrity reason in ABORT-byte order', () => {
    expect(tableCodes(/\| reason \| meaning \|/)).toEqual([...INTEGRITY_REASONS]);
  });

  it('ABORT bytes map to reasons and back; unknown bytes read as malformed', () => {
    for (const r of INTEGRITY_REASONS) expect(reasonFromByte(reasonToByte(r))).toBe(r);
    expect(reasonFromByte(0)).toBe('malformed');
    expect(reasonFromByte(255)).toBe('malformed');
  });
});
