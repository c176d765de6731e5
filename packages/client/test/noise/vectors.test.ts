// Every cacophony vector (25519 / ChaChaPoly / BLAKE2b and SHA256) for every supported pattern: each
// handshake and transport message's ciphertext, each decrypted payload, and the handshake hash.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVectorJson } from '../../../../test-support/vectors.ts';
import { fromHex, toHex } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import {
  type CipherState,
  HandshakeState,
  keyPairFromPrivateKey,
  parseProtocolName,
} from '../../src/noise/index.ts';

interface NoiseVector {
  protocol_name: string;
  init_prologue: string;
  resp_prologue: string;
  init_static?: string;
  init_ephemeral: string;
  init_remote_static?: string;
  init_psks?: string[];
  resp_static?: string;
  resp_ephemeral?: string;
  resp_remote_static?: string;
  resp_psks?: string[];
  handshake_hash: string;
  messages: Array<{ payload: string; ciphertext: string }>;
}

const hex = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || !/^[0-9a-f]*$/i.test(v)) throw new Error(`vector field ${what} is not hex`);
  return v;
};
const optHex = (v: unknown, what: string): string | undefined => (v === undefined ? undefined : hex(v, what));
const hexList = (v: unknown, what: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v.map((x, i) => hex(x, `${what}[${i}]`));
};

function parseVector(raw: unknown): NoiseVector {
  if (typeof raw !== 'object' || raw === null) throw new Error('vector is not an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.protocol_name !== 'string' || !Array.isArray(r.messages)) throw new Error('bad vector');
  return {
    protocol_name: r.protocol_name,
    init_prologue: hex(r.init_prologue, 'init_prologue'),
    resp_prologue: hex(r.resp_prologue, 'resp_prologue'),
    init_static: optHex(r.init_static, 'init_static'),
    init_ephemeral: hex(r.init_ephemeral, 'init_ephemeral'),
    init_remote_static: optHex(r.init_remote_static, 'init_remote_static'),
    init_psks: hexList(r.init_psks, 'init_psks'),
    resp_static: optHex(r.resp_static, 'resp_static'),
    resp_ephemeral: optHex(r.resp_ephemeral, 'resp_ephemeral'),
    resp_remote_static: optHex(r.resp_remote_static, 'resp_remote_static'),
    resp_psks: hexList(r.resp_psks, 'resp_psks'),
    handshake_hash: hex(r.handshake_hash, 'handshake_hash'),
    messages: r.messages.map((m: unknown, i: number) => {
      const mm = m as Record<string, unknown>;
      return { payload: hex(mm?.payload, `messages[${i}].payload`), ciphertext: hex(mm?.ciphertext, 'ct') };
    }),
  };
}

const file = loadVectorJson('noise', 'cacophony-25519-chachapoly.json') as { vectors?: unknown };
if (!Array.isArray(file.vectors) || file.vectors.length === 0) throw new Error('no noise vectors loaded');
const vectors = file.vectors.map(parseVector);

const REQUIRED = ['IK', 'IKpsk2', 'KK', 'XX', 'XXpsk3', 'NK'];
const kp = (h: string | undefined) => (h === undefined ? undefined : keyPairFromPrivateKey(fromHex(h)));
const psks = (l: string[] | undefined) => l?.map(fromHex);

function runVector(v: NoiseVector): number {
  const init = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: true,
    prologue: fromHex(v.init_prologue),
    s: kp(v.init_static),
    e: kp(v.init_ephemeral),
    rs: v.init_remote_static === undefined ? undefined : fromHex(v.init_remote_static),
    psks: psks(v.init_psks),
  });
  const resp = new HandshakeState({
    protocolName: v.protocol_name,
    initiator: false,
    prologue: fromHex(v.resp_prologue),
    s: kp(v.resp_static),
    e: kp(v.resp_ephemeral),
    rs: v.resp_remote_static === undefined ? undefined : fromHex(v.resp_remote_static),
    psks: psks(v.resp_psks),
  });
  const pattern = parseProtocolName(v.protocol_name).pattern;
  const oneWay = pattern.messages.length === 1;
  let checked = 0;
  let transport:
    | { i: { send: CipherState; recv: CipherState }; r: { send: CipherState; recv: CipherState } }
    | undefined;
  v.messages.forEach((m, idx) => {
    const fromInit = oneWay || idx % 2 === 0;
    const payload = fromHex(m.payload);
    let ct: Uint8Array;
    let pt: Uint8Array;
    if (idx < pattern.messages.length) {
      const [w, r] = fromInit ? [init, resp] : [resp, init];
      ct = w.writeMessage(payload);
      expect(toHex(ct), `${v.protocol_name} message ${idx}`).toBe(m.ciphertext.toLowerCase());
      pt = r.readMessage(ct);
    } else {
      if (!transport) {
        expect(init.complete && resp.complete).toBe(true);
        expect(toHex(init.handshakeHash)).toBe(v.handshake_hash.toLowerCase());
        expect(toHex(resp.handshakeHash)).toBe(v.handshake_hash.toLowerCase());
        transport = { i: init.split(), r: resp.split() };
      }
      const [w, r] = fromInit ? [transport.i, transport.r] : [transport.r, transport.i];
      ct = w.send.encryptWithAd(new Uint8Array(0), payload);
      expect(toHex(ct), `${v.protocol_name} transport ${idx}`).toBe(m.ciphertext.toLowerCase());
      pt = r.recv.decryptWithAd(new Uint8Array(0), ct);
    }
    expect(toHex(pt)).toBe(m.payload.toLowerCase());
    checked++;
  });
  expect(transport, `${v.protocol_name} has transport messages`).toBeDefined();
  return checked;
}

describe('Noise rev 34 — cacophony vectors', () => {
  beforeAll(async () => {
    await ready();
  });

  it('pass for every supported pattern, with every required pattern present', () => {
    const perPattern = new Map<string, { vectors: number; messages: number }>();
    for (const v of vectors) {
      const count = runVector(v);
      const pat = parseProtocolName(v.protocol_name).pattern.name;
      const c = perPattern.get(pat) ?? { vectors: 0, messages: 0 };
      c.vectors++;
      c.messages += count;
      perPattern.set(pat, c);
    }
    const total = [...perPattern.values()].reduce((n, c) => n + c.vectors, 0);
    const msgs = [...perPattern.values()].reduce((n, c) => n + c.messages, 0);
    console.log(
      `noise vectors: ${total} of ${vectors.length} (${msgs} messages) across ${perPattern.size} patterns: ` +
        [...perPattern].map(([p, c]) => `${p}=${c.vectors}`).join(' '),
    );
    expect(total).toBe(vectors.length);
    expect(total).toBeGreaterThan(0);
    for (const p of REQUIRED)
      expect(perPattern.get(p)?.vectors ?? 0, `pattern ${p}`).toBeGreaterThanOrEqual(2);
  });
});
