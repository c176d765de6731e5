// QR invite payload v1 and URI (docs/protocol.md Part 2, 2.9): one test per refusal, plus properties.
import fc from 'fast-check';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../../test-support/fuzz.ts';
import { randomBytes, ready } from '../../src/crypto/sodium.ts';
import { InviteError } from '../../src/errors/client-errors.ts';
import {
  decodeInvitePayload,
  encodeInvitePayload,
  type InvitePayload,
  inviteUri,
  parseInviteUri,
} from '../../src/invite/payload.ts';
import { inviteQrPngDataUrl, inviteQrSvg, inviteQrTerminal } from '../../src/invite/qr.ts';
import { codeOf } from '../support/typed-error.ts';

const NOW = 1_800_000_000_000;
let p: InvitePayload;
beforeAll(async () => {
  await ready();
  p = {
    staticKey: randomBytes(32),
    identityKey: randomBytes(32),
    secret: randomBytes(32),
    expiresAt: NOW / 1000 + 600,
    channelId: '0b5c7a2e-1f3d-4c5b-9a8e-7d6c5b4a3f21',
    clientId: 'c0ffee00-1111-4222-8333-444455556666',
    server: 'https://relay.example.org',
  };
});

const code = (f: () => unknown) => codeOf(InviteError, f);

describe('invite payload v1', () => {
  it('has the documented layout and round-trips', () => {
    const b = encodeInvitePayload(p);
    expect(b[0]).toBe(1);
    expect(b.slice(1, 33)).toEqual(p.staticKey);
    expect(b.slice(33, 65)).toEqual(p.identityKey);
    expect(b.slice(65, 97)).toEqual(p.secret);
    expect(new DataView(b.buffer).getUint32(97)).toBe(p.expiresAt);
    expect(b[117]).toBe(36);
    expect(b.length).toBe(117 + 1 + 36 + 1 + p.server.length);
    expect(decodeInvitePayload(b, NOW)).toEqual(p);
  });

  it('refuses another version (invite_bad_version)', () => {
    const b = encodeInvitePayload(p);
    for (const v of [0, 2, 255]) {
      b[0] = v;
      expect(code(() => decodeInvitePayload(b, NOW))).toBe('invite_bad_version');
    }
  });

  it('refuses every truncation (invite_truncated)', () => {
    const b = encodeInvitePayload(p);
    for (let n = 0; n < b.length; n++)
      expect(code(() => decodeInvitePayload(b.slice(0, n), NOW))).toBe('invite_truncated');
  });

  it('refuses trailing bytes (invite_trailing_bytes)', () => {
    const b = encodeInvitePayload(p);
    const longer = new Uint8Array(b.length + 1);
    longer.set(b);
    expect(code(() => decodeInvitePayload(longer, NOW))).toBe('invite_trailing_bytes');
  });

  it('refuses an expired invite (invite_expired), at the second it expires', () => {
    const b = encodeInvitePayload(p);
    expect(code(() => decodeInvitePayload(b, p.expiresAt * 1000))).toBe('invite_expired');
    expect(decodeInvitePayload(b, p.expiresAt * 1000 - 1).expiresAt).toBe(p.expiresAt);
  });

  it('refuses bad strings: empty, invalid UTF-8, not an http(s) URL (invite_malformed)', () => {
    const b = encodeInvitePayload(p);
    const zeroLen = b.slice();
    zeroLen[117] = 0;
    expect(code(() => decodeInvitePayload(zeroLen, NOW))).toBe('invite_malformed');
    const badUtf8 = b.slice();
    badUtf8[118] = 0xff;
    expect(code(() => decodeInvitePayload(badUtf8, NOW))).toBe('invite_malformed');
    const ftp = encodeInvitePayload(p);
    const s = new TextDecoder().decode(ftp.slice(-p.server.length)).replace('https', 'ftp:s');
    ftp.set(new TextEncoder().encode(s.slice(0, p.server.length)), ftp.length - p.server.length);
    expect(code(() => decodeInvitePayload(ftp, NOW))).toBe('invite_malformed');
    expect(code(() => encodeInvitePayload({ ...p, server: 'javascript:alert(1)' }))).toBe('invite_malformed');
    expect(code(() => encodeInvitePayload({ ...p, channelId: 'general' }))).toBe('invite_malformed');
  });
});

describe('invite URI', () => {
  it('is <app origin>/p#<base64url payload> and parses back', () => {
    const uri = inviteUri('https://app.example.org/', p);
    expect(uri).toMatch(/^https:\/\/app\.example\.org\/p#[A-Za-z0-9_-]+$/);
    expect(parseInviteUri(uri, NOW)).toEqual(p);
  });

  it('refuses other paths, a missing fragment, bad base64url (invite_malformed)', () => {
    const uri = inviteUri('https://app.example.org', p);
    for (const u of [
      uri.replace('/p#', '/x#'),
      uri.replace('#', '?'),
      `${uri}=`,
      `${uri.slice(0, -1)}!`,
      'p#AAAA',
      '',
      'x'.repeat(5000),
    ])
      expect(code(() => parseInviteUri(u, NOW))).toBe('invite_malformed');
  });
});

describe('property: parsers throw only InviteError', () => {
  it('decodeInvitePayload(random bytes), with and without a valid version byte', () => {
    fuzz(
      'client.invite.payload',
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (b, v1) => {
        if (v1 && b.length > 0) b[0] = 1;
        try {
          decodeInvitePayload(b, NOW);
        } catch (e) {
          expect(e).toBeInstanceOf(InviteError);
        }
      }),
    );
  });

  it('decodeInvitePayload(mutations of a valid payload)', () => {
    const valid = encodeInvitePayload(p);
    fuzz(
      'client.invite.mutations',
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, v) => {
        const b = valid.slice();
        b[at % b.length] = v;
        try {
          decodeInvitePayload(b, NOW);
        } catch (e) {
          expect(e).toBeInstanceOf(InviteError);
        }
      }),
    );
  });

  it('parseInviteUri(random strings)', () => {
    fuzz(
      'client.invite.uri',
      fc.property(fc.oneof(fc.string(), fc.webUrl({ withFragments: true }), fc.anything()), (s) => {
        try {
          parseInviteUri(s as string, NOW);
        } catch (e) {
          expect(e).toBeInstanceOf(InviteError);
        }
      }),
    );
  });
});

describe('QR rendering (qrcode)', () => {
  it('renders SVG, terminal and PNG; the PNG decodes back to the URI', async () => {
    const uri = inviteUri('https://app.example.org', p);
    expect(await inviteQrSvg(uri)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await inviteQrTerminal(uri)).split('\n').length).toBeGreaterThan(20);
    const dataUrl = await inviteQrPngDataUrl(uri);
    const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(uri);
  });
});
