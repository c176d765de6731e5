// Behaviour and adversarial tests of HandshakeState / CipherState beyond the vectors: flipped bits,
// truncation, replay, wrong psk / rs / static keys, low-order keys, oversize input, wrong call order,
// and the terminal refusal state after any failure.
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { CipherState, generateKeyPair, HandshakeState, NOISE_MAX_MESSAGE } from '../../src/noise/index.ts';
import { handshake, noiseCode, optionsFor, parties, prologue, proto } from './helpers.ts';

beforeAll(async () => {
  await ready();
});

const USED = ['IKpsk2', 'XXpsk3', 'KK', 'IK', 'XX', 'NK'];

describe.each(USED)('Noise %s between two fresh parties', (pattern) => {
  it('completes with equal handshake hashes, crossed transport keys and the peer keys learned', () => {
    const p = parties();
    const { init, resp } = handshake(pattern, p);
    expect(toHex(init.handshakeHash)).toBe(toHex(resp.handshakeHash));
    if (!pattern.startsWith('N')) expect(toHex(resp.remoteStatic!)).toBe(toHex(p.initS.publicKey));
    expect(toHex(init.remoteStatic!)).toBe(toHex(p.respS.publicKey));
    const a = init.split();
    const b = resp.split();
    expect(toHex(a.sendKey)).toBe(toHex(b.recvKey));
    expect(toHex(a.recvKey)).toBe(toHex(b.sendKey));
    expect(toHex(a.sendKey)).not.toBe(toHex(a.recvKey));
    const ct = a.send.encryptWithAd(utf8('ad'), utf8('offer'));
    expect(new TextDecoder().decode(b.recv.decryptWithAd(utf8('ad'), ct))).toBe('offer');
    expect(noiseCode(() => init.split())).toBe('bad_state');
  });

  // A tampered message is refused when it is read, or — for a first message that carries no
  // authenticated data yet (XX's "-> e") — by the next message, because the handshake hashes diverge.
  // Either way the handshake never completes on both sides, and a refusing state is dead afterwards.
  it('every flipped bit and every truncation of every handshake message makes the handshake fail', () => {
    const p = parties();
    const clean = handshake(pattern, p);
    let variants = 0;
    clean.messages.forEach((msg, idx) => {
      const step = Math.max(1, Math.floor(msg.length / 24));
      const tampered: Uint8Array[] = [];
      for (let byte = 0; byte < msg.length; byte += step) {
        const bad = msg.slice();
        bad[byte]! ^= 0x01;
        tampered.push(bad);
      }
      for (let len = 0; len < msg.length; len += step) tampered.push(msg.slice(0, len));
      for (const bad of tampered) {
        variants++;
        const opts = optionsFor(pattern, p);
        const states = [new HandshakeState(opts[0]), new HandshakeState(opts[1])];
        let w = 0;
        let failedAt: HandshakeState | undefined;
        for (let i = 0; i < clean.messages.length; i++, w ^= 1) {
          const reader = states[w ^ 1]!;
          const code = noiseCode(() => {
            const m = states[w]!.writeMessage(utf8(`payload ${i}`));
            reader.readMessage(i === idx ? bad : m);
          });
          if (code !== 'no error') {
            expect(['decrypt_failed', 'bad_key', 'bad_message'], `${pattern} msg ${idx}`).toContain(code);
            failedAt = reader;
            break;
          }
        }
        expect(failedAt, `${pattern}: tampered message ${idx} went unnoticed`).toBeDefined();
        expect(failedAt!.failed).toBe(true);
        expect(noiseCode(() => failedAt!.readMessage(msg))).toBe('bad_state');
        expect(noiseCode(() => failedAt!.writeMessage(new Uint8Array(0)))).toBe('bad_state');
      }
    });
    expect(variants).toBeGreaterThan(20);
  });

  it('a message replayed into the same state, or a second-message replay into a new session, is refused', () => {
    const p = parties();
    const opts = optionsFor(pattern, p);
    const init = new HandshakeState(opts[0]);
    const resp = new HandshakeState(opts[1]);
    const m1 = init.writeMessage(utf8('one'));
    resp.readMessage(m1);
    expect(noiseCode(() => resp.readMessage(m1))).toBe('bad_state'); // wrong turn: it must write now
    const resp2 = new HandshakeState(opts[1]);
    resp2.readMessage(m1);
    const m2 = resp2.writeMessage(utf8('two'));
    // m2 answers another initiator ephemeral: a fresh initiator cannot accept it.
    const init2 = new HandshakeState(optionsFor(pattern, p)[0]);
    init2.writeMessage(utf8('one'));
    expect(noiseCode(() => init2.readMessage(m2))).toBe('decrypt_failed');
  });
});

describe('Noise keys: wrong psk, wrong rs, wrong static keys, low-order keys', () => {
  it('IKpsk2 with a wrong psk fails when the initiator reads the second message (psk2)', () => {
    const p = parties();
    const opts = optionsFor('IKpsk2', p);
    const init = new HandshakeState({ ...opts[0], psks: [new Uint8Array(32).fill(7)] });
    const resp = new HandshakeState(opts[1]);
    resp.readMessage(init.writeMessage(utf8('hi')));
    expect(noiseCode(() => init.readMessage(resp.writeMessage(utf8('answer'))))).toBe('decrypt_failed');
    expect(init.failed).toBe(true);
    expect(init.complete).toBe(false);
  });

  it('XXpsk3 with a wrong psk fails at the third message (the first one the psk protects)', () => {
    const p = parties();
    expect(() =>
      handshake('XXpsk3', p, (o) => {
        o[1].psks = [new Uint8Array(32).fill(9)];
      }),
    ).toThrow(expect.objectContaining({ code: 'decrypt_failed' }));
  });

  it('IK towards the wrong responder key (wrong rs) fails for the responder', () => {
    const p = parties();
    const opts = optionsFor('IK', p);
    const init = new HandshakeState({ ...opts[0], rs: generateKeyPair().publicKey });
    const resp = new HandshakeState(opts[1]);
    expect(noiseCode(() => resp.readMessage(init.writeMessage(utf8('hi'))))).toBe('decrypt_failed');
  });

  it('KK where the responder expects another initiator key fails', () => {
    const p = parties();
    const opts = optionsFor('KK', p);
    const resp = new HandshakeState({ ...opts[1], rs: generateKeyPair().publicKey });
    const init = new HandshakeState(opts[0]);
    expect(noiseCode(() => resp.readMessage(init.writeMessage(utf8('hi'))))).toBe('decrypt_failed');
  });

  it('a different prologue makes the handshake fail', () => {
    const p = parties();
    const opts = optionsFor('IKpsk2', p);
    const init = new HandshakeState(opts[0]);
    const resp = new HandshakeState({ ...opts[1], prologue: utf8('another channel') });
    expect(noiseCode(() => resp.readMessage(init.writeMessage(utf8('hi'))))).toBe('decrypt_failed');
  });

  it('an all-zero or low-order ephemeral key in a message is refused with bad_key', () => {
    const p = parties();
    const opts = optionsFor('IK', p);
    const m1 = new HandshakeState(opts[0]).writeMessage(utf8('hi'));
    const lowOrder = [
      new Uint8Array(32),
      Uint8Array.from(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')),
    ];
    for (const e of lowOrder) {
      const bad = m1.slice();
      bad.set(e, 0);
      const resp = new HandshakeState(opts[1]);
      expect(noiseCode(() => resp.readMessage(bad))).toBe('bad_key');
      expect(resp.failed).toBe(true);
    }
    // Constructing with a low-order remote static key fails at the first DH, not silently.
    const init = new HandshakeState({ ...opts[0], rs: new Uint8Array(32) });
    expect(noiseCode(() => init.writeMessage(utf8('hi')))).toBe('bad_key');
    expect(init.failed).toBe(true);
  });
});

describe('Noise limits and call order', () => {
  it('refuses messages over 65535 bytes on read and payloads that would exceed it on write', () => {
    const p = parties();
    const opts = optionsFor('XX', p);
    const resp = new HandshakeState(opts[1]);
    expect(noiseCode(() => resp.readMessage(new Uint8Array(NOISE_MAX_MESSAGE + 1)))).toBe('bad_message');
    const init = new HandshakeState(opts[0]);
    expect(noiseCode(() => init.writeMessage(new Uint8Array(NOISE_MAX_MESSAGE - 31)))).toBe(
      'message_too_long',
    );
    const ok = new HandshakeState(opts[0]).writeMessage(new Uint8Array(NOISE_MAX_MESSAGE - 32));
    expect(ok.length).toBe(NOISE_MAX_MESSAGE);
  });

  it('refuses calls out of order and any call after completion or failure', () => {
    const p = parties();
    const [io, ro] = optionsFor('XX', p);
    const resp = new HandshakeState(ro);
    expect(noiseCode(() => resp.writeMessage(utf8('x')))).toBe('bad_state');
    expect(resp.failed).toBe(true);
    expect(noiseCode(() => resp.readMessage(new HandshakeState(io).writeMessage(utf8(''))))).toBe(
      'bad_state',
    );
    const hs = new HandshakeState(io);
    expect(noiseCode(() => hs.handshakeHash)).toBe('bad_state');
    expect(noiseCode(() => hs.split())).toBe('bad_state');
    const { init } = handshake('XX', p);
    expect(noiseCode(() => init.writeMessage(utf8('more')))).toBe('bad_state');
    expect(noiseCode(() => init.readMessage(utf8('more')))).toBe('bad_state');
  });

  it('refuses unsupported protocol names and missing or malformed keys at construction', () => {
    const p = parties();
    const [io, ro] = optionsFor('IKpsk2', p);
    for (const name of [
      'Noise_XX_448_ChaChaPoly_BLAKE2b',
      'Noise_XX_25519_AESGCM_BLAKE2b',
      'Noise_XX_25519_ChaChaPoly_BLAKE2s',
      'Noise_ZZ_25519_ChaChaPoly_BLAKE2b',
      'Noise_XXpsk9_25519_ChaChaPoly_BLAKE2b',
      'Noise_XXfallback_25519_ChaChaPoly_BLAKE2b',
      'XX_25519_ChaChaPoly_BLAKE2b',
      'Noise_XX_25519_ChaChaPoly',
    ])
      expect(
        noiseCode(() => new HandshakeState({ ...io, protocolName: name })),
        name,
      ).toBe('bad_protocol');
    expect(noiseCode(() => new HandshakeState({ ...io, s: undefined }))).toBe('missing_key');
    expect(noiseCode(() => new HandshakeState({ ...io, rs: undefined }))).toBe('missing_key');
    expect(noiseCode(() => new HandshakeState({ ...io, psks: [] }))).toBe('missing_key');
    expect(noiseCode(() => new HandshakeState({ ...io, psks: [p.psk, p.psk] }))).toBe('bad_key');
    expect(noiseCode(() => new HandshakeState({ ...io, psks: [new Uint8Array(31)] }))).toBe('bad_key');
    expect(noiseCode(() => new HandshakeState({ ...io, rs: new Uint8Array(33) }))).toBe('bad_key');
    const mismatched = { publicKey: generateKeyPair().publicKey, privateKey: p.initS.privateKey };
    expect(noiseCode(() => new HandshakeState({ ...io, s: mismatched }))).toBe('bad_key');
    expect(
      noiseCode(
        () =>
          new HandshakeState({ ...ro, protocolName: proto('XX'), psks: undefined, rs: p.initS.publicKey }),
      ),
    ).toBe('bad_key');
    expect(noiseCode(() => new HandshakeState({ ...io, prologue: 'text' as unknown as Uint8Array }))).toBe(
      'bad_protocol',
    );
    expect(noiseCode(() => new HandshakeState(io).writeMessage('hi' as unknown as Uint8Array))).toBe(
      'bad_message',
    );
  });
});

describe('CipherState (§5.1)', () => {
  const key = () => crypto.getRandomValues(new Uint8Array(32));

  it('a failed decrypt does not consume the nonce; the genuine message still opens afterwards', () => {
    const k = key();
    const a = new CipherState(k);
    const b = new CipherState(k);
    const ct = a.encryptWithAd(prologue, utf8('ice'));
    const bad = ct.slice();
    bad[0]! ^= 0x80;
    expect(noiseCode(() => b.decryptWithAd(prologue, bad))).toBe('decrypt_failed');
    expect(b.nonce).toBe(0n);
    expect(new TextDecoder().decode(b.decryptWithAd(prologue, ct))).toBe('ice');
    expect(noiseCode(() => b.decryptWithAd(prologue, ct))).toBe('decrypt_failed'); // replay: nonce moved on
  });

  it('refuses the reserved nonce 2^64-1, rekeys in step on both sides, passes through without a key', () => {
    const k = key();
    const a = new CipherState(k);
    const b = new CipherState(k);
    a.setNonce(0xfffffffffffffffen);
    b.setNonce(0xfffffffffffffffen);
    b.decryptWithAd(new Uint8Array(0), a.encryptWithAd(new Uint8Array(0), utf8('last')));
    expect(noiseCode(() => a.encryptWithAd(new Uint8Array(0), utf8('x')))).toBe('nonce_exhausted');
    expect(noiseCode(() => a.setNonce(1n << 64n))).toBe('bad_state');
    a.setNonce(5n);
    b.setNonce(5n);
    a.rekey();
    const ct = a.encryptWithAd(new Uint8Array(0), utf8('after rekey'));
    expect(noiseCode(() => b.decryptWithAd(new Uint8Array(0), ct))).toBe('decrypt_failed');
    b.rekey();
    expect(new TextDecoder().decode(b.decryptWithAd(new Uint8Array(0), ct))).toBe('after rekey');
    const none = new CipherState();
    expect(none.hasKey()).toBe(false);
    expect(new TextDecoder().decode(none.encryptWithAd(new Uint8Array(0), utf8('plain')))).toBe('plain');
    expect(noiseCode(() => none.rekey())).toBe('bad_state');
    expect(noiseCode(() => new CipherState(new Uint8Array(16)))).toBe('bad_key');
  });
});
