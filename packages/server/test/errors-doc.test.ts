// The error registry (src/errors.ts) and docs/errors.md, section "Server", list the same codes with the
// same HTTP status and WebSocket close code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorSpec } from '../src/errors.ts';

const doc = readFileSync(join(fileURLToPath(import.meta.url), '../../../../docs/errors.md'), 'utf8');

function serverRows(): Map<string, { status: string; close: string }> {
  const start = doc.indexOf('## Server (`@sealpeer/server`)');
  const end = doc.indexOf('<!-- section: client -->');
  expect(start).toBeGreaterThan(0);
  const rows = new Map<string, { status: string; close: string }>();
  for (const line of doc.slice(start, end > start ? end : undefined).split('\n')) {
    const m = /^\| `([a-z_]+)` \|([^|]*)\|([^|]*)\|/.exec(line);
    if (m) rows.set(m[1]!, { status: m[2]!.trim(), close: m[3]!.trim() });
  }
  return rows;
}

describe('docs/errors.md, section Server', () => {
  it('lists every registered code with its status and close code', () => {
    const rows = serverRows();
    const codes = Object.entries(ERRORS) as Array<[string, ErrorSpec]>;
    console.log(`registered server error codes: ${codes.length}`);
    expect(codes.length).toBeGreaterThan(10);
    for (const [code, spec] of codes) {
      expect(rows.has(code), `${code} missing from docs/errors.md`).toBe(true);
      expect(rows.get(code)).toEqual({ status: String(spec.status ?? ''), close: String(spec.close ?? '') });
    }
  });

  it('lists nothing that is not registered', () => {
    for (const code of serverRows().keys())
      expect(Object.hasOwn(ERRORS, code), `${code} not registered`).toBe(true);
  });
});
