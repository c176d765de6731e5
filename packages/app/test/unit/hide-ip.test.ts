// "Hide my IP address from peers" (src/core/hide-ip.ts): who is reached through TURN only. The rule (a
// contact's own choice, else on for keyshare-found contacts and unsaved requests, else the global
// setting), persistence, and a stored value that is not what save() wrote (corrupt, or written by
// something else) read as the defaults, never cast.
import { describe, expect, it } from 'vitest';
import { HideIpSettings } from '../../src/core/hide-ip.ts';
import type { SavedContact } from '../../src/core/saved-contacts.ts';
import { memoryKv as kvWith } from './memory-kv.ts';

const memoryKv = (stored?: unknown) => kvWith(stored === undefined ? [] : [['hide-ip', stored]]);

const hex = (byte: number) => byte.toString(16).padStart(2, '0').repeat(32);
const contact = (byte: number, pairedBy: SavedContact['pairedBy']): SavedContact => ({
  id: hex(byte),
  x25519: hex(byte + 1),
  name: 'x',
  pairedBy,
  savedAt: 1,
  verified: null,
  handle: undefined,
  pendingKey: null,
  history: [],
});

describe('HideIpSettings', () => {
  it('defaults: off for QR/code peers, on for keyshare-found contacts and unsaved contact requests', async () => {
    const s = await HideIpSettings.load(memoryKv());
    expect(s.global).toBe(false);
    expect(s.decide(undefined, 'invite')).toEqual({ on: false, why: 'global' });
    expect(s.decide(contact(1, 'qr'), 'contact')).toEqual({ on: false, why: 'global' });
    expect(s.decide(contact(2, 'keyshare'), 'contact')).toEqual({ on: true, why: 'keyshare' });
    expect(s.decide(contact(2, 'keyshare'), 'request')).toEqual({ on: true, why: 'keyshare' });
    expect(s.decide(undefined, 'request')).toEqual({ on: true, why: 'keyshare' });
  });

  it('the global setting covers every peer without a choice of its own; a contact’s choice wins', async () => {
    const kv = memoryKv();
    const s = await HideIpSettings.load(kv);
    await s.setGlobal(true);
    expect(s.decide(undefined, 'code')).toEqual({ on: true, why: 'global' });
    await s.setChoice(hex(1), 'off');
    await s.setChoice(hex(2), 'off');
    expect(s.decide(contact(1, 'qr'), 'contact')).toEqual({ on: false, why: 'contact' });
    expect(s.decide(contact(2, 'keyshare'), 'request')).toEqual({ on: false, why: 'contact' });
    await s.setGlobal(false);
    await s.setChoice(hex(1), 'on');
    expect(s.decide(contact(1, 'qr'), 'contact')).toEqual({ on: true, why: 'contact' });
    // Persisted: a fresh load (a reload of the page) sees the same.
    const again = await HideIpSettings.load(kv);
    expect(again.global).toBe(false);
    expect(again.choice(hex(1))).toBe('on');
    expect(again.choice(hex(2))).toBe('off');
    await again.setChoice(hex(2), 'default');
    expect((await HideIpSettings.load(kv)).decide(contact(2, 'keyshare'), 'contact').on).toBe(true);
  });

  it('refuses a choice for something that is not a contact id', async () => {
    const s = await HideIpSettings.load(memoryKv());
    await expect(s.setChoice('ab', 'on')).rejects.toThrow(/contact id/);
    await expect(s.setChoice(`${hex(1)}0`, 'on')).rejects.toThrow(/contact id/);
  });

  it.each([
    ['a string', 'on'],
    ['an array', [true]],
    ['null', null],
    ['all not a boolean', { all: 'yes' }],
    ['contacts an array', { all: 1, contacts: [true] }],
  ])('a stored value that is %s reads as the defaults', async (_what, stored) => {
    const s = await HideIpSettings.load(memoryKv(stored));
    expect(s.global).toBe(false);
    expect(s.decide(contact(2, 'keyshare'), 'contact').on).toBe(true);
  });

  it('keeps only well-formed entries of a stored contact map', async () => {
    const stored = { all: true, contacts: { [hex(1)]: false, [hex(2)]: 'no', nothex: true, [hex(3)]: true } };
    const s = await HideIpSettings.load(memoryKv(stored));
    expect(s.global).toBe(true);
    expect([s.choice(hex(1)), s.choice(hex(2)), s.choice(hex(3))]).toEqual(['off', 'default', 'on']);
    expect(s.choice('nothex')).toBe('default');
  });
});
