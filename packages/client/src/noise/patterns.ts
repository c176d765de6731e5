// Handshake pattern table and protocol-name parser, Noise Protocol Framework rev 34:
// §7.4 one-way patterns, §7.5 interactive patterns, §18.1 deferred patterns, §9 psk modifiers,
// §8 protocol names. Patterns are kept as the spec's own notation and parsed once.
import { NoiseError } from './errors.ts';

export type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss' | 'psk';
/** '->' is sent by the initiator, '<-' by the responder. */
export type Direction = '->' | '<-';
export interface MessagePattern {
  dir: Direction;
  tokens: Token[];
}
export interface HandshakePattern {
  name: string;
  /** Pre-message public keys (§7.1): initiator's then responder's, each only 'e' / 's' tokens. */
  preInitiator: Token[];
  preResponder: Token[];
  messages: MessagePattern[];
  /** True when the pattern carries any psk token (§9.2: then 'e' also calls MixKey). */
  hasPsk: boolean;
}

// Notation: pre-messages, then '...', then messages; lines separated by ';'.
const BASE_PATTERNS: Record<string, string> = {
  // §7.4 one-way
  N: '<- s ... -> e, es',
  K: '-> s; <- s ... -> e, es, ss',
  X: '<- s ... -> e, es, s, ss',
  // §7.5 interactive (fundamental)
  NN: '-> e; <- e, ee',
  NK: '<- s ... -> e, es; <- e, ee',
  NX: '-> e; <- e, ee, s, es',
  KN: '-> s ... -> e; <- e, ee, se',
  KK: '-> s; <- s ... -> e, es, ss; <- e, ee, se',
  KX: '-> s ... -> e; <- e, ee, se, s, es',
  XN: '-> e; <- e, ee; -> s, se',
  XK: '<- s ... -> e, es; <- e, ee; -> s, se',
  XX: '-> e; <- e, ee, s, es; -> s, se',
  IN: '-> e, s; <- e, ee, se',
  IK: '<- s ... -> e, es, s, ss; <- e, ee, se',
  IX: '-> e, s; <- e, ee, se, s, es',
  // §18.1 deferred
  NK1: '<- s ... -> e; <- e, ee, es',
  NX1: '-> e; <- e, ee, s; -> es',
  X1N: '-> e; <- e, ee; -> s; <- se',
  X1K: '<- s ... -> e, es; <- e, ee; -> s; <- se',
  XK1: '<- s ... -> e; <- e, ee, es; -> s, se',
  X1K1: '<- s ... -> e; <- e, ee, es; -> s; <- se',
  X1X: '-> e; <- e, ee, s, es; -> s; <- se',
  XX1: '-> e; <- e, ee, s; -> es, s, se',
  X1X1: '-> e; <- e, ee, s; -> es, s; <- se',
  K1N: '-> s ... -> e; <- e, ee; -> se',
  K1K: '-> s; <- s ... -> e, es; <- e, ee; -> se',
  KK1: '-> s; <- s ... -> e; <- e, ee, se, es',
  K1K1: '-> s; <- s ... -> e; <- e, ee, es; -> se',
  K1X: '-> s ... -> e; <- e, ee, s, es; -> se',
  KX1: '-> s ... -> e; <- e, ee, se, s; -> es',
  K1X1: '-> s ... -> e; <- e, ee, s; -> se, es',
  I1N: '-> e, s; <- e, ee; -> se',
  I1K: '<- s ... -> e, es, s; <- e, ee; -> se',
  IK1: '<- s ... -> e, s; <- e, ee, se, es',
  I1K1: '<- s ... -> e, s; <- e, ee, es; -> se',
  I1X: '-> e, s; <- e, ee, s, es; -> se',
  IX1: '-> e, s; <- e, ee, se, s; -> es',
  I1X1: '-> e, s; <- e, ee, s; -> se, es',
};

const TOKENS = new Set<string>(['e', 's', 'ee', 'es', 'se', 'ss', 'psk']);

function parseLine(line: string): MessagePattern {
  const m = /^(->|<-)\s+(.*)$/.exec(line.trim());
  if (!m) throw new Error(`bad pattern line: ${line}`);
  const tokens = m[2]!.split(',').map((t) => t.trim());
  for (const t of tokens) if (!TOKENS.has(t)) throw new Error(`bad token ${t}`);
  return { dir: m[1] as Direction, tokens: tokens as Token[] };
}

function parseBase(name: string, text: string): HandshakePattern {
  const [pre, body] = text.includes('...') ? text.split('...') : ['', text];
  const preLines = pre!.trim() ? pre!.split(';').map(parseLine) : [];
  return {
    name,
    preInitiator: preLines.filter((l) => l.dir === '->').flatMap((l) => l.tokens),
    preResponder: preLines.filter((l) => l.dir === '<-').flatMap((l) => l.tokens),
    messages: body!.split(';').map(parseLine),
    hasPsk: false,
  };
}

/** Applies psk modifiers (§9.2): psk0 at the start of message 1, pskN at the end of message N. */
function applyPsk(p: HandshakePattern, modifiers: string[]): HandshakePattern {
  const messages = p.messages.map((m) => ({ dir: m.dir, tokens: [...m.tokens] }));
  for (const mod of modifiers) {
    const m = /^psk(\d)$/.exec(mod);
    if (!m) throw new NoiseError('bad_protocol', `unsupported pattern modifier ${mod}`);
    const n = Number(m[1]);
    if (n === 0) messages[0]!.tokens.unshift('psk');
    else if (n <= messages.length) messages[n - 1]!.tokens.push('psk');
    else throw new NoiseError('bad_protocol', `${mod} is beyond the last message`);
  }
  const suffix = modifiers.join('+');
  return { ...p, name: p.name + suffix, messages, hasPsk: modifiers.length > 0 };
}

/** Looks up a pattern such as 'XXpsk3' or 'IK'; throws `bad_protocol` when unknown. */
export function getPattern(name: string): HandshakePattern {
  const m = /^([A-Z1]+?)((?:psk\d)(?:\+psk\d)*)?$/.exec(name);
  const base = m ? BASE_PATTERNS[m[1]!] : undefined;
  if (!m || base === undefined) throw new NoiseError('bad_protocol', `unsupported handshake pattern ${name}`);
  const p = parseBase(m[1]!, base);
  return m[2] ? applyPsk(p, m[2].split('+')) : p;
}

/** Names of all base patterns in the table. */
export const SUPPORTED_BASE_PATTERNS: readonly string[] = Object.keys(BASE_PATTERNS);

export interface ProtocolName {
  pattern: HandshakePattern;
  dh: '25519';
  cipher: 'ChaChaPoly';
  hash: 'BLAKE2b' | 'SHA256' | 'SHA512';
}

/** Parses 'Noise_<pattern>_25519_ChaChaPoly_<hash>' (§8); throws `bad_protocol` otherwise. */
export function parseProtocolName(protocolName: string): ProtocolName {
  const parts = protocolName.split('_');
  if (parts.length !== 5 || parts[0] !== 'Noise')
    throw new NoiseError('bad_protocol', `not a Noise protocol name: ${protocolName}`);
  const [, pat, dh, cipher, hash] = parts;
  if (dh !== '25519') throw new NoiseError('bad_protocol', `unsupported DH ${dh}`);
  if (cipher !== 'ChaChaPoly') throw new NoiseError('bad_protocol', `unsupported cipher ${cipher}`);
  if (hash !== 'BLAKE2b' && hash !== 'SHA256' && hash !== 'SHA512')
    throw new NoiseError('bad_protocol', `unsupported hash ${hash}`);
  return { pattern: getPattern(pat!), dh, cipher, hash };
}
