import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forwardableCloseCode } from './support/relay-proxy.js';

// The test proxy forwards a peer's close code to the other side. `ws` throws on codes an endpoint
// may not send (1005/1006 arrive after abrupt drops); that once failed a CI run with uncaught errors.
// The check below uses ws's own validator, not a copy of the rule.
const require = createRequire(import.meta.url);
const wsLib = join(dirname(require.resolve('ws')), 'lib', 'validation.js');
const { isValidStatusCode } = require(wsLib) as {
  isValidStatusCode: (code: number) => boolean;
};

describe('relay proxy close-code forwarding', () => {
  it('maps every code a socket can report to one ws will send', () => {
    const reported = [
      0, 999, 1000, 1001, 1004, 1005, 1006, 1011, 1014, 1015, 2000, 2999, 3000, 4000, 4999, 5000,
    ];
    for (const code of reported) {
      expect(isValidStatusCode(forwardableCloseCode(code)), `code ${code}`).toBe(true);
    }
    expect(isValidStatusCode(1006)).toBe(false);
    expect(forwardableCloseCode(1006)).toBe(1000);
    expect(forwardableCloseCode(4001)).toBe(4001);
    expect(forwardableCloseCode(1001)).toBe(1001);
  });
});
