// Property tests (fast-check): whatever bytes a relay sends, the parsers of the crypto core throw only
// their own typed errors (never TypeError/RangeError, never a crash) and end in their refusal state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz, fuzzRuns } from '../../../../test-support/fuzz.ts';
import { cpaceInit } from '../../src/cpace/index.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { compareScannable, Identity, parseScannable } from '../../src/identity/index.ts';
import { HandshakeState } from '../../src/noise/index.ts';
import { codeOf } from '../crypto/error-code.ts';
import { optionsFor, parties } from './helpers.ts';

await ready();

const typed = (code: string) => !code.startsWith('not a typed error') && !code.startsWith('undocumented');

describe('random input never escapes the typed errors', () => {
  const p = parties();
  it.each(['IKpsk2', 'XXpsk3', 'KK', 'NK'])(
    'Noise %s readMessage on random first and second messages',
    (pattern) => {
      fuzz(
        `client.noise.${pattern}`,
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, second) => {
          const [io, ro] = optionsFor(pattern, p);
          const init = new HandshakeState(io);
          const resp = new HandshakeState(ro);
          const target = second ? init : resp;
          if (second) resp.readMessage(init.writeMessage(new Uint8Array(0)));
          const code = codeOf(() => target.readMessage(bytes));
          expect(typed(code), code).toBe(true);
          if (code !== 'no error') expect(target.failed).toBe(true);
        }),
        // Two handshake states + DH per case: 115-220 cases/s measured under load, 10^4 would take
        // 45-90 s per pattern.
        fuzzRuns(2500),
      );
    },
  );

  it('CPace finish() on random peer messages', () => {
    fuzz(
      'client.cpace.finish',
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = cpaceInit({
          prs: new Uint8Array([1]),
          ci: new Uint8Array(0),
          sid: new Uint8Array(0),
          ad: new Uint8Array(0),
          role: 'initiator',
        });
        const code = codeOf(() => s.finish(bytes));
        expect(typed(code), code).toBe(true);
      }),
      // A CPace init (scalar mult) + decode per case: ~37 cases/s measured under load, 10^4 would take
      // 4-5 minutes.
      fuzzRuns(800),
    );
  });

  it('Identity.import on random JSON values and random text', () => {
    fuzz(
      'client.identity.import',
      fc.property(
        fc.oneof(fc.jsonValue(), fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
        (v) => {
          const code = codeOf(() => Identity.import(v));
          expect(typed(code) && code !== 'no error', code).toBe(true);
        },
      ),
    );
  });

  it('scannable safety-number parsing on random bytes', () => {
    const mine = new Uint8Array([
      0x08,
      0x01,
      0x12,
      0x22,
      0x0a,
      0x20,
      ...new Uint8Array(32),
      0x1a,
      0x22,
      0x0a,
      0x20,
      ...new Uint8Array(32),
    ]);
    expect(parseScannable(mine).version).toBe(1);
    fuzz(
      'client.identity.scannable',
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const code = codeOf(() => compareScannable(mine, bytes));
        expect(typed(code), code).toBe(true);
      }),
    );
  });
});
