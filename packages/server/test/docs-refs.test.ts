// Every test that docs/threat-model.md section 1 and docs/protocol.md Part 1 cite exists: the file is there
// and each quoted test name (after ›) occurs in it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(fileURLToPath(import.meta.url), '../../../..');
const testDir = join(root, 'packages/server/test');

function section(file: string, from: string, to: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start, end > start ? end : undefined);
}

const sources = [
  section('docs/threat-model.md', '## 1. The relay host', '<!-- section: sealed'),
  section('docs/protocol.md', '## Part 1: Relay protocol', '<!-- part-2'),
];

describe('test references in the docs', () => {
  it('name test files and test titles that exist', () => {
    let files = 0;
    let titles = 0;
    for (const text of sources) {
      // `file.test.ts` › "title", "title"; `other.test.ts` …
      for (const m of text.matchAll(/`([a-z0-9-]+\.test\.ts)`((?:\s*›\s*(?:"[^"]+"(?:,\s*)?)+)?)/g)) {
        const path = join(testDir, m[1]!);
        expect(existsSync(path), m[1]).toBe(true);
        files++;
        const body = readFileSync(path, 'utf8');
        for (const t of (m[2] ?? '').matchAll(/"([^"]+)"/g)) {
          const title = t[1]!.replace(/ …$/, '');
          expect(body.includes(title), `${m[1]}: "${title}"`).toBe(true);
          titles++;
        }
      }
    }
    console.log(`doc references checked: ${files} files, ${titles} titles`);
    expect(files).toBeGreaterThan(10);
    expect(titles).toBeGreaterThan(10);
  });
});
