// The checked-in API report (docs/api/client.md) lists exactly what each entry point of the package
// exports today: a change to the public API must come with `npm run api-report` and shows in review.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiReport, REPORT } from '../../../scripts/api-report.ts';

describe('API report', () => {
  it('docs/api/client.md matches the exports (run `npm run api-report` after changing them)', () => {
    const now = apiReport();
    // The report is not trivially empty: every entry point has a section with names in it.
    expect(now.match(/^## `@sealpeer\/client[^`]*`$/gm)?.length).toBeGreaterThanOrEqual(7);
    expect(now).toMatch(/^\| `Identity` \| class \|$/m);
    expect(readFileSync(REPORT, 'utf8'), 'docs/api/client.md is stale: run npm run api-report').toBe(now);
  }, 180_000);
});
