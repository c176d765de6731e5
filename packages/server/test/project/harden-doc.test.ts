// docs/hardening.md is part generated (`npm run harden` writes the figures) and part hand-written (fuzzing
// and crash safety): a full harness run must rewrite the first part and keep the second.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEPT_MARKER, withKeptText } from '../../../../bench/lib/kept-text.ts';

const doc = readFileSync(new URL('../../../../docs/hardening.md', import.meta.url), 'utf8');

describe('docs/hardening.md regeneration', () => {
  it('has the marker once, before the hand-written sections', () => {
    expect(doc.split(KEPT_MARKER).length).toBe(2);
    const kept = doc.slice(doc.indexOf(KEPT_MARKER));
    expect(kept).toContain('## Fuzzing');
    expect(kept).toContain('## Crash safety');
    expect(doc.slice(0, doc.indexOf(KEPT_MARKER))).toContain('## Figures');
  });

  it('a regeneration replaces the generated part and keeps the rest byte for byte', () => {
    const next = withKeptText('# Hardening figures\n\nnew table\n', doc);
    expect(next.startsWith('# Hardening figures\n\nnew table\n\n')).toBe(true);
    expect(next).not.toContain('| slowloris, plain HTTP |');
    expect(next.endsWith(doc.slice(doc.indexOf(KEPT_MARKER)))).toBe(true);
    // Twice in a row changes nothing more.
    expect(withKeptText('# Hardening figures\n\nnew table\n', next)).toBe(next);
  });

  it('a document without the marker gets it, with nothing kept', () => {
    expect(withKeptText('generated\n', 'old text without a marker')).toBe(`generated\n\n${KEPT_MARKER}\n`);
  });
});
