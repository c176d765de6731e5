// Crypto costs of the project's layers, each beside the raw libsodium calls it cannot avoid, measured
// in the same run: Noise handshakes per pattern vs the X25519 operations that pattern needs, and
// sealing + opening a 3 KiB SDP (pad, AEAD, frame, base64url and back) vs one XChaCha20-Poly1305
// encrypt + decrypt of the padded size. Layer and raw run in alternating slices, best slice of each
// (bench/lib/stats.ts bestOfInterleaved), because this machine is shared.

import { type Ctx, type Row, Skip } from '../lib/section.ts';
import { bestOfInterleaved } from '../lib/stats.ts';

type Mod = Record<string, unknown>;

const SUITE = '_25519_ChaChaPoly_BLAKE2b';
/** The patterns sealpeer uses (docs/protocol.md Part 2), plus plain IK for comparison. */
const PATTERNS = ['IK', 'IKpsk2', 'KK', 'XXpsk3'];

interface Pattern {
  messages: { dir: string; tokens: string[] }[];
}
interface HS {
  writeMessage(p: Uint8Array): Uint8Array;
  readMessage(m: Uint8Array): Uint8Array;
  split(): unknown;
  readonly complete: boolean;
}
type HSCtor = new (o: Record<string, unknown>) => HS;

/** X25519 work a pattern needs across BOTH sides: a key generation per 'e', two DHs per DH token. */
function x25519Ops(p: Pattern): { keygens: number; dhs: number } {
  let keygens = 0;
  let dhs = 0;
  for (const m of p.messages)
    for (const t of m.tokens) {
      if (t === 'e') keygens++;
      else if (t === 'ee' || t === 'es' || t === 'se' || t === 'ss') dhs += 2;
    }
  return { keygens, dhs };
}

async function loadClient(): Promise<Mod> {
  try {
    // Protocol building blocks live on subpaths (issue 16): Noise, and libsodium's readiness from /crypto.
    const [noise, crypto] = await Promise.all([
      import('@sealpeer/client/noise'),
      import('@sealpeer/client/crypto'),
    ]);
    return { ...noise, ready: crypto.ready } as Mod;
  } catch (e) {
    throw new Skip(
      `@sealpeer/client cannot be loaded: ${(e instanceof Error ? e.message : '').split('\n')[0]}`,
    );
  }
}

/** Imports the envelope layer from the client's public exports, or from its envelope module. */
async function loadEnvelope(client: Mod): Promise<Mod | string> {
  const names = ['seal', 'open', 'frameToData', 'dataToFrame'];
  const candidates: Mod[] = [client, (await import('@sealpeer/client/envelope')) as Mod];
  try {
    candidates.push((await import('../../packages/client/src/envelope/index.ts')) as Mod);
  } catch {
    // not written yet
  }
  for (const c of candidates) if (names.every((n) => typeof c[n] === 'function')) return c;
  return `the client has no envelope seal/open/frameToData/dataToFrame yet`;
}

export async function cryptoSection(ctx: Ctx) {
  const client = await loadClient();
  const { HandshakeState, getPattern, generateKeyPair, ready } = client as {
    HandshakeState?: HSCtor;
    getPattern?: (n: string) => Pattern;
    generateKeyPair?: () => { publicKey: Uint8Array; privateKey: Uint8Array };
    ready?: () => Promise<unknown>;
  };
  if (!HandshakeState || !getPattern || !generateKeyPair || !ready)
    throw new Skip('@sealpeer/client has no HandshakeState/getPattern/generateKeyPair/ready yet');
  await ready();
  const sodium = (await import('libsodium-wrappers')).default;
  await sodium.ready;
  const ms = ctx.quick ? 600 : 2000;
  const rounds = ctx.quick ? 3 : 6;
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};

  const si = generateKeyPair();
  const sr = generateKeyPair();
  const psk = sodium.randombytes_buf(32);
  const prologue = new TextEncoder().encode('sealpeer bench');
  for (const name of PATTERNS) {
    const pattern = getPattern(name);
    const full = `Noise_${name}${SUITE}`;
    const needsRs = name.startsWith('IK') || name.startsWith('KK');
    const psks = name.includes('psk') ? [psk] : [];
    const handshake = () => {
      const i = new HandshakeState({
        protocolName: full,
        initiator: true,
        prologue,
        s: si,
        ...(needsRs ? { rs: sr.publicKey } : {}),
        psks,
      });
      const r = new HandshakeState({
        protocolName: full,
        initiator: false,
        prologue,
        s: sr,
        ...(name.startsWith('KK') ? { rs: si.publicKey } : {}),
        psks,
      });
      const empty = new Uint8Array(0);
      let writer = i;
      let reader = r;
      while (!(i.complete && r.complete)) {
        reader.readMessage(writer.writeMessage(empty));
        [writer, reader] = [reader, writer];
      }
      i.split();
      r.split();
    };
    const ops = x25519Ops(pattern);
    const pub = si.publicKey;
    const priv = si.privateKey;
    const rawX25519 = () => {
      for (let k = 0; k < ops.keygens; k++) sodium.crypto_box_keypair();
      for (let k = 0; k < ops.dhs; k++) sodium.crypto_scalarmult(priv, pub);
    };
    const [perSec = 0, raw = 0] = bestOfInterleaved([handshake, rawX25519], ms * 2, rounds);
    data[`handshake ${name}`] = { perSec, rawX25519PerSec: raw, ...ops };
    rows.push({
      metric: `Noise ${name} handshakes/s`,
      value: perSec,
      unit: '/s',
      note: `both sides; raw X25519 (${ops.keygens} keygen + ${ops.dhs} DH) ${Math.round(raw)}/s; layer = ${(raw / perSec).toFixed(2)}x raw time`,
    });
  }

  const env = await loadEnvelope(client);
  if (typeof env === 'string') {
    rows.push({ metric: 'seal+open 3 KiB SDP/s', value: `skipped: ${env}` });
  } else {
    const { seal, open, frameToData, dataToFrame } = env as {
      seal: (c: unknown, n: bigint, inner: unknown) => unknown;
      open: (c: unknown, f: unknown) => { ok: boolean };
      frameToData: (f: unknown) => string;
      dataToFrame: (d: unknown) => unknown;
    };
    const key = sodium.randombytes_buf(32);
    const sc = {
      key,
      dir: 'i2r',
      sid: sodium.randombytes_buf(16),
      from: 'alice-client-id',
      to: 'bob-client-id',
    };
    const sdp = new TextEncoder().encode(
      'v=0\r\n'.padEnd(3072, 'a=candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host\r\n'),
    );
    const inner = { kind: 0x03, content: sdp };
    let counter = 0n;
    let failures = 0;
    const sealOpen = () => {
      counter++;
      const d = frameToData(seal(sc, counter, inner));
      if (!open(sc, dataToFrame(d)).ok) failures++;
    };
    const padded = new Uint8Array(4096);
    const ad = new Uint8Array(26 + 2 + sc.from.length + sc.to.length);
    const nonce = sodium.randombytes_buf(24);
    const rawAead = () => {
      const c = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, nonce, key);
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, c, ad, nonce, key);
    };
    const [perSec = 0, raw = 0] = bestOfInterleaved([sealOpen, rawAead], ms * 2, rounds);
    if (failures) throw new Error(`seal/open round trip failed ${failures} times`);
    data.sealOpen = { perSec, rawAeadPerSec: raw, sdpBytes: sdp.length, paddedBytes: 4096 };
    rows.push({
      metric: 'seal+open 3 KiB SDP/s',
      value: perSec,
      unit: '/s',
      note: `raw XChaCha20-Poly1305 4 KiB enc+dec ${Math.round(raw)}/s; layer = ${(raw / perSec).toFixed(2)}x raw time`,
    });
  }
  return { rows, data };
}
