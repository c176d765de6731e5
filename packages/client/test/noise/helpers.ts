import { utf8 } from '../../src/crypto/bytes.ts';
import {
  generateKeyPair,
  type HandshakeOptions,
  HandshakeState,
  type KeyPair,
} from '../../src/noise/index.ts';

export const proto = (p: string) => `Noise_${p}_25519_ChaChaPoly_BLAKE2b`;
export const prologue = utf8('sealpeer test prologue');

export interface Parties {
  initS: KeyPair;
  respS: KeyPair;
  psk: Uint8Array;
}

export function parties(): Parties {
  return {
    initS: generateKeyPair(),
    respS: generateKeyPair(),
    psk: crypto.getRandomValues(new Uint8Array(32)),
  };
}

/** Initiator/responder options for the patterns the project uses, with keys from `p`. */
export function optionsFor(pattern: string, p: Parties): [HandshakeOptions, HandshakeOptions] {
  const base = { protocolName: proto(pattern), prologue };
  const psks = pattern.includes('psk') ? [p.psk] : undefined;
  const initKnowsResp = pattern.startsWith('IK') || pattern.startsWith('KK') || pattern.startsWith('NK');
  const respKnowsInit = pattern.startsWith('KK');
  const initHasS = !pattern.startsWith('N');
  return [
    {
      ...base,
      initiator: true,
      s: initHasS ? p.initS : undefined,
      rs: initKnowsResp ? p.respS.publicKey : undefined,
      psks,
    },
    { ...base, initiator: false, s: p.respS, rs: respKnowsInit ? p.initS.publicKey : undefined, psks },
  ];
}

/** Runs a full handshake; returns both states and every message sent, in order. */
export function handshake(
  pattern: string,
  p: Parties,
  tweak: (opts: [HandshakeOptions, HandshakeOptions]) => void = () => {},
): { init: HandshakeState; resp: HandshakeState; messages: Uint8Array[] } {
  const opts = optionsFor(pattern, p);
  tweak(opts);
  const init = new HandshakeState(opts[0]);
  const resp = new HandshakeState(opts[1]);
  const messages: Uint8Array[] = [];
  let [w, r] = [init, resp];
  while (!init.complete || !resp.complete) {
    const m = w.writeMessage(utf8(`payload ${messages.length}`));
    messages.push(m);
    r.readMessage(m);
    [w, r] = [r, w];
  }
  return { init, resp, messages };
}

export { codeOf as noiseCode } from '../crypto/error-code.ts';
