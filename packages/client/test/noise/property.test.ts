// Property tests (fast-check): whatever bytes a relay sends, the parsers of the crypto core throw only
// their own typed errors (never TypeError/RangeError, never a crash) and end in their refusal state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../../test-support/fuzz.ts';
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
      // Per run: the static keys and psk (parties() above) and the options. HandshakeState copies what
      // it keeps (and zeroes only its copies on failure), so every case starts from fresh states.
      const [io, ro] = optionsFor(pattern, p);
      fuzz(
        `client.noise.${pattern}`,
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, second) => {
          const init = new HandshakeState(io);
          const resp = new HandshakeState(ro);
          const target = second ? init : resp;
          if (second) resp.readMessage(init.writeMessage(new Uint8Array(0)));
          const code = codeOf(() => target.readMessage(bytes));
          expect(typed(code), code).toBe(true);
          if (code !== 'no error') expect(target.failed).toBe(true);
        }),
        // 10^4 cases (the default). A case is two new HandshakeStates (each checks its static key pair:
        // one X25519 base mult per static key) and up to 9 X25519 operations in all (IKpsk2, KK: ~6 on
        // average; NK: ~3.5; XXpsk3: ~3), 36-90 us each in libsodium: 2 300-2 700 cases/s (IKpsk2, KK),
        // 3 300-5 800 (NK, XXpsk3) measured on an idle machine (2026-12-03), 2-4.5 s per pattern.
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
      // 10^4 cases (the default). A fresh cpaceInit per case (generator derivation and a ristretto255
      // scalar multiplication in @noble/curves, pure JS: libsodium-wrappers' standard build has no
      // ristretto255), ~1.3 ms: 735-755 cases/s measured on an idle machine (2026-12-03), ~13.5 s.
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
