// The device-link transfer (docs/protocol.md 2.15) is a peer's input: every part and the assembled body
// are validated, each wrong shape is refused with its documented code (naming the field where there is
// one), the assembler's refusal is terminal, and a transfer over a session this device did not open by
// scanning the sender's QR is refused before anything is buffered. One test per numbered rule.
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { DeviceLinks, linkSessionVerified } from '../../src/core/device-link.ts';
import { AppError } from '../../src/core/errors.ts';
import {
  encodeLinkBody,
  encodeLinkParts,
  isLinkMessage,
  LINK_MAX_BYTES,
  LINK_MAX_CONTACTS,
  LINK_MAX_PARTS,
  LINK_PART_BYTES,
  LinkAssembler,
  type LinkTransfer,
  parseLinkBody,
  parseLinkPart,
} from '../../src/core/link-transfer.ts';
import type { SavedContact } from '../../src/core/saved-contacts.ts';

const enc = new TextEncoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));
const hex = (n: number) => n.toString(16).padStart(64, '0');
const verifierKey = keyshare.formatVerifierKey(keyshare.generateNoteSigner('keys.example/log'));

function contact(n: number, extra: Partial<SavedContact> = {}): SavedContact {
  return {
    id: hex(2 * n + 1),
    x25519: hex(2 * n + 2),
    name: `Contact ${n}`,
    pairedBy: 'qr',
    savedAt: 1000 + n,
    verified: n % 2 === 0 ? { how: 'safety-number', at: 2000 + n } : null,
    handle: n % 3 === 0 ? `handle-${n}` : undefined,
    pendingKey: null,
    history: [],
    ...extra,
  };
}

const small: LinkTransfer = {
  contacts: [contact(0), contact(1)],
  keyshares: [{ name: 'Example', url: 'https://keys.example', verifierKey, witnesses: null }],
};

/** The code of the AppError `fn` throws (and its message), or a failure. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { code: (err as AppError).code, message: (err as AppError).message };
  }
  throw new Error('expected an AppError');
}

const part = (o: Record<string, unknown>) => json({ t: 'device-link', v: 1, i: 0, n: 1, data: 'AA==', ...o });

function assemble(parts: Uint8Array[]): LinkTransfer | null {
  const a = new LinkAssembler();
  let out: LinkTransfer | null = null;
  for (const p of parts) out = a.push(p);
  return out;
}

describe('device-link transfer: round trip', () => {
  it('one part: contacts (verified state, handles) and keyshares come back equal', () => {
    const parts = encodeLinkParts(small);
    expect(parts).toHaveLength(1);
    expect(isLinkMessage(parts[0]!)).toBe(true);
    const back = assemble(parts);
    expect(back?.contacts).toEqual(small.contacts);
    expect(back?.keyshares).toEqual(small.keyshares);
  });

  it('many parts: each fits one APP message (≤ 24 576 bytes), reassembled in order', () => {
    const big: LinkTransfer = {
      contacts: Array.from({ length: 400 }, (_, i) =>
        contact(i, {
          history: [{ id: hex(9000 + i), x25519: hex(9500 + i), verified: null, replacedAt: 5 }],
        }),
      ),
      keyshares: [],
    };
    const parts = encodeLinkParts(big);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(24_576);
    expect(assemble(parts)?.contacts).toEqual(big.contacts);
  });

  it('isLinkMessage tells a device-link part from chat and from junk', () => {
    expect(isLinkMessage(json({ t: 'text', text: 'hi' }))).toBe(false);
    expect(isLinkMessage(enc.encode('{not json'))).toBe(false);
    expect(isLinkMessage(new Uint8Array(30_000))).toBe(false);
  });
});

describe('device-link parts (rules 1–4)', () => {
  it('1: a part over 24 576 bytes → link_too_large', () => {
    expect(refusal(() => parseLinkPart(new Uint8Array(24_577))).code).toBe('link_too_large');
  });

  it.each<[string, Uint8Array]>([
    ['not UTF-8', Uint8Array.of(0xff, 0xfe)],
    ['not JSON', enc.encode('{"t":')],
    ['an array', json([])],
    ['another t', json({ t: 'text', text: 'x' })],
    ['another version', part({ v: 2 })],
    ['no version', part({ v: undefined })],
  ])('2: %s → link_malformed', (_what, bytes) => {
    expect(refusal(() => parseLinkPart(bytes)).code).toBe('link_malformed');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['n zero', { n: 0 }, 'link_bad_field', /^n: /],
    ['n a string', { n: '1' }, 'link_bad_field', /^n: /],
    ['n fractional', { n: 1.5 }, 'link_bad_field', /^n: /],
    ['n over the part limit', { n: LINK_MAX_PARTS + 1 }, 'link_too_large', /^n: /],
    ['i negative', { i: -1 }, 'link_bad_field', /^i: /],
    ['i = n', { i: 1, n: 1 }, 'link_bad_field', /^i: /],
    ['i missing', { i: undefined }, 'link_bad_field', /^i: /],
    ['data a number', { data: 5 }, 'link_bad_field', /^data: /],
    ['data not base64', { data: 'a b' }, 'link_bad_field', /^data: /],
    ['data empty', { data: '' }, 'link_bad_field', /^data: /],
    ['data over one part', { data: 'A'.repeat((LINK_PART_BYTES / 3) * 4 + 4) }, 'link_too_large', /^data: /],
  ])('3–4: %s → %s naming the field', (_what, o, code, msg) => {
    const r = refusal(() => parseLinkPart(part(o)));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(msg);
  });
});

describe('device-link assembly (rules 5–6, terminal refusal)', () => {
  const two = () =>
    encodeLinkParts({
      contacts: Array.from({ length: 120 }, (_, i) => contact(i)),
      keyshares: [],
    });

  it('5: a part out of order, a skipped part or a changed n → link_out_of_order', () => {
    const parts = two();
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(refusal(() => assemble([parts[1]!])).code).toBe('link_out_of_order');
    expect(refusal(() => assemble([parts[0]!, parts[0]!])).code).toBe('link_out_of_order');
    const a = new LinkAssembler();
    a.push(parts[0]!);
    const changed = JSON.parse(new TextDecoder().decode(parts[1])) as Record<string, unknown>;
    expect(refusal(() => a.push(json({ ...changed, n: 9 }))).code).toBe('link_out_of_order');
  });

  it('the refusal is terminal: nothing after it is taken, not even a good part', () => {
    const a = new LinkAssembler();
    expect(refusal(() => a.push(part({ v: 9 }))).code).toBe('link_malformed');
    expect(a.status).toBe('refused');
    expect(refusal(() => a.push(encodeLinkParts(small)[0]!)).code).toBe('link_out_of_order');
  });

  it('a part after the last one → link_out_of_order', () => {
    const a = new LinkAssembler();
    const [only] = encodeLinkParts(small);
    expect(a.push(only!)).not.toBeNull();
    expect(a.status).toBe('done');
    expect(refusal(() => a.push(only!)).code).toBe('link_out_of_order');
  });

  it('6: more than 1 MiB in total → link_too_large (the sender refuses too)', () => {
    const huge: LinkTransfer = {
      contacts: Array.from({ length: 1000 }, (_, i) =>
        contact(i, {
          name: `${'n'.repeat(60)}${i}`,
          history: Array.from({ length: 20 }, (_, j) => ({
            id: hex(100_000 + i * 20 + j),
            x25519: hex(200_000 + i * 20 + j),
            verified: { how: 'safety-number' as const, at: 1 },
            replacedAt: 1,
          })),
        }),
      ),
      keyshares: [],
    };
    expect(refusal(() => encodeLinkParts(huge)).code).toBe('link_too_large');
    // A lying sender: n at the limit, every part full. The assembler stops once the total is over.
    const full = keyshare.toBase64(new Uint8Array(LINK_PART_BYTES).fill(0x20));
    const a = new LinkAssembler();
    let code = '';
    for (let i = 0; i < LINK_MAX_PARTS && !code; i++) {
      try {
        a.push(json({ t: 'device-link', v: 1, i, n: LINK_MAX_PARTS, data: full }));
      } catch (err) {
        code = (err as AppError).code;
        expect(i).toBe(Math.floor(LINK_MAX_BYTES / LINK_PART_BYTES));
      }
    }
    expect(code).toBe('link_too_large');
  });
});

describe('device-link body (rules 7–8)', () => {
  const body = (o: Record<string, unknown>) => json({ sealpeerLink: 1, contacts: [], keyshares: [], ...o });

  it('7: not UTF-8 JSON, not an object, or another version → link_malformed', () => {
    expect(refusal(() => parseLinkBody(Uint8Array.of(0xc3))).code).toBe('link_malformed');
    expect(refusal(() => parseLinkBody(json('x'))).code).toBe('link_malformed');
    expect(refusal(() => parseLinkBody(body({ sealpeerLink: 2 }))).code).toBe('link_malformed');
    expect(refusal(() => parseLinkBody(new Uint8Array(LINK_MAX_BYTES + 1))).code).toBe('link_too_large');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['contacts not a list', { contacts: {} }, 'link_bad_field', /^contacts: /],
    [
      'a contact with a bad id',
      { contacts: [{ ...contact(0), id: 'XYZ' }] },
      'link_bad_field',
      /contacts\[0\]\.id/,
    ],
    [
      'a verified state of the wrong shape',
      { contacts: [{ ...contact(0), verified: { how: 'trust-me', at: 1 } }] },
      'link_bad_field',
      /contacts\[0\]\.verified\.how/,
    ],
    [
      'a name of wrong type',
      { contacts: [contact(1), { ...contact(0), name: 5 }] },
      'link_bad_field',
      /contacts\[1\]\.name/,
    ],
    [
      'the same contact twice',
      { contacts: [contact(0), contact(0)] },
      'link_bad_field',
      /contacts\[1\]\.id: listed twice/,
    ],
    [
      'too many contacts',
      { contacts: Array.from({ length: LINK_MAX_CONTACTS + 1 }, () => ({})) },
      'link_too_large',
      /^contacts: /,
    ],
    ['keyshares missing', { keyshares: undefined }, 'link_bad_field', /^keyshares: /],
    [
      'a malformed keyshare key',
      { keyshares: [{ url: 'https://k.example', verifierKey: 'nope' }] },
      'link_bad_field',
      /^keyshares\[0\]\.verifierKey: /,
    ],
    [
      'a keyshare URL that is not http(s)',
      { keyshares: [{ url: 'file:///etc/passwd', verifierKey }] },
      'link_bad_field',
      /^keyshares\[0\]\.url: /,
    ],
  ])('8: %s → %s naming the field', (_what, o, code, msg) => {
    const r = refusal(() => parseLinkBody(body(o)));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(msg);
  });

  it('the sender writes only the documented fields', () => {
    const text = new TextDecoder().decode(encodeLinkBody(small));
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['contacts', 'keyshares', 'sealpeerLink']);
  });
});

describe('device-link session rule (rule 9) and the receiver state machine', () => {
  const deps = () => {
    const imported: LinkTransfer[] = [];
    let changes = 0;
    const links = new DeviceLinks({
      server: 'http://127.0.0.1:9',
      client: () => Promise.reject(new Error('not used')),
      transfer: async () => small,
      importTransfer: async (t) => {
        imported.push(t);
      },
      changed: () => {
        changes++;
      },
    });
    return { links, imported, changes: () => changes };
  };

  it('only a session this device opened by scanning (path 1, initiator) is verified for a link', () => {
    expect(linkSessionVerified({ path: 1, role: 'initiator' })).toBe(true);
    for (const [path, role] of [
      [1, 'responder'],
      [2, 'initiator'],
      [2, 'responder'],
      [3, 'initiator'],
      [3, 'responder'],
      [4, 'initiator'],
      [4, 'responder'],
    ] as const)
      expect(linkSessionVerified({ path, role }), `${path}/${role}`).toBe(false);
  });

  it('a transfer over an unverified session is refused (link_unverified_session) and never offered', async () => {
    const { links, imported } = deps();
    const [only] = encodeLinkParts(small);
    for (const [id, path, role] of [
      ['code', 2, 'initiator'],
      ['contact', 3, 'responder'],
      ['request', 4, 'responder'],
      ['inviter', 1, 'responder'],
    ] as const) {
      links.receive({ id, path, role }, only!, '1'.repeat(30));
      expect(links.offer(id)).toMatchObject({ state: 'refused', code: 'link_unverified_session' });
      // It stays refused: a second try on the same session is not taken either.
      links.receive({ id, path, role }, only!, '1'.repeat(30));
      expect(links.offer(id)?.state).toBe('refused');
      await expect(links.accept(id)).rejects.toThrow(/Nothing to import/);
    }
    expect(imported).toEqual([]);
  });

  it('over the scanned session: offered, imported only on accept, and only once', async () => {
    const { links, imported } = deps();
    const [only] = encodeLinkParts(small);
    links.receive({ id: 's', path: 1, role: 'initiator' }, only!, '2'.repeat(30));
    const offer = links.offer('s');
    expect(offer).toMatchObject({ state: 'offered', from: '2'.repeat(30) });
    expect(imported).toEqual([]);
    await links.accept('s');
    expect(imported).toHaveLength(1);
    expect(imported[0]?.contacts[0]?.verified).toEqual({ how: 'safety-number', at: 2000 });
    expect(links.offer('s')?.state).toBe('imported');
    await expect(links.accept('s')).rejects.toThrow(/Nothing to import/);
  });

  it('a malformed part over the scanned session: refused with its code, nothing offered', () => {
    const { links } = deps();
    links.receive({ id: 's', path: 1, role: 'initiator' }, part({ n: 'x' }), '3'.repeat(30));
    expect(links.offer('s')).toMatchObject({ state: 'refused', code: 'link_bad_field' });
  });
});
