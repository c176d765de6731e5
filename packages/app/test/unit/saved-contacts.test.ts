// Saved contacts (@sealpeer/client src/contacts/list.ts, as the app stores them): an imported contacts file is a stranger's input — every
// wrong field is refused with its name, nothing is half-imported, and a changed static key is refused.
import { describe, expect, it } from 'vitest';
import { cleanName, loadContactList, parseContact } from '../../src/core/saved-contacts.ts';
import { memoryKv } from './memory-kv.ts';

const hex = (byte: number) => byte.toString(16).padStart(2, '0').repeat(32);
const good = {
  id: hex(1),
  x25519: hex(2),
  name: 'Bob',
  pairedBy: 'qr',
  savedAt: 1,
  verified: { how: 'safety-number', at: 2 },
  handle: 'bob.home',
  pendingKey: null,
  history: [],
};
const identity = (a: number, b: number) => ({
  ed25519: new Uint8Array(32).fill(a),
  x25519: new Uint8Array(32).fill(b),
});

describe('parseContact', () => {
  it('accepts a well-formed contact', () => {
    expect(parseContact(good, 'c')).toEqual(good);
  });

  it.each([
    [{ ...good, id: 'AB'.repeat(32) }, 'c.id'],
    [{ ...good, id: hex(1).slice(2) }, 'c.id'],
    [{ ...good, x25519: 42 }, 'c.x25519'],
    [{ ...good, name: '' }, 'c.name'],
    [{ ...good, name: '\u0001\u0002' }, 'c.name'],
    [{ ...good, name: ['Bob'] }, 'c.name'],
    [{ ...good, pairedBy: 'relay' }, 'c.pairedBy'],
    [{ ...good, savedAt: -1 }, 'c.savedAt'],
    [{ ...good, verified: { how: 'trust-me', at: 1 } }, 'c.verified.how'],
    [{ ...good, verified: 'yes' }, 'c.verified'],
    [{ ...good, handle: 7 }, 'c.handle'],
    [null, 'c.'],
    [{ ...good, pendingKey: { id: hex(3) } }, 'c.pendingKey.x25519'],
    [{ ...good, history: [{ id: hex(3), x25519: hex(4), verified: null }] }, 'c.history[0].replacedAt'],
    [{ ...good, history: 'none' }, 'c.history'],
  ])('refuses %j naming %s', (v, field) => {
    expect(() => parseContact(v, 'c')).toThrow(field);
  });

  it('cleans names: control characters removed, trimmed, clipped to 64', () => {
    expect(cleanName('  Al\u0007ice \n')).toBe('Alice');
    expect(cleanName('x'.repeat(100))).toHaveLength(64);
  });
});

describe('ContactList', () => {
  it('saves by identity, renames, verifies once, deletes, and persists', async () => {
    const kv = memoryKv();
    const list = await loadContactList(kv);
    const c = await list.save(identity(1, 2), { name: 'Bob', pairedBy: 'qr' });
    expect(c.verified).toBeNull();
    expect(list.byIdentity(identity(1, 2))?.name).toBe('Bob');
    expect(list.byIdentity(identity(1, 3))).toBeUndefined();
    await expect(list.save(identity(1, 3), { name: 'Bob2', pairedBy: 'qr' })).rejects.toThrow(
      /another static key/,
    );
    expect(await list.markVerified(identity(1, 2), 'safety-number')).toBe(true);
    expect(await list.markVerified(identity(1, 2), 'keyshare')).toBe(false); // first verification kept
    await list.rename(c.id, 'Robert');
    const again = await loadContactList(kv);
    expect(again.all()).toHaveLength(1);
    expect(again.get(c.id)).toMatchObject({ name: 'Robert', verified: { how: 'safety-number' } });
    await again.remove(c.id);
    expect((await loadContactList(kv)).all()).toEqual([]);
  });

  it('imports all or nothing, names the bad entry, refuses a changed static key', async () => {
    const list = await loadContactList(memoryKv());
    const file = (contacts: unknown[]) => JSON.stringify({ sealpeerContacts: 1, contacts });
    await expect(list.importText('not json')).rejects.toThrow(/not JSON/);
    await expect(list.importText('{"contacts":[]}')).rejects.toThrow(/sealpeerContacts/);
    await expect(list.importText(JSON.stringify({ sealpeerContacts: 1, contacts: {} }))).rejects.toThrow(
      /contacts: expected a list/,
    );
    await expect(list.importText(file([good, { ...good, id: hex(3), name: 5 }]))).rejects.toThrow(
      'contacts[1].name',
    );
    expect(list.all()).toEqual([]);
    expect(await list.importText(file([good]))).toBe(1);
    expect(await list.importText(file([good]))).toBe(0);
    await expect(list.importText(file([{ ...good, x25519: hex(9) }]))).rejects.toThrow(/another static key/);
    expect(list.all()).toHaveLength(1);
    const exported = JSON.parse(list.exportText());
    expect(exported).toEqual({ sealpeerContacts: 1, contacts: [good] });
  });

  it('a changed key blocks the contact; only the reviewed key is accepted; the old one goes to history', async () => {
    const list = await loadContactList(memoryKv());
    const c = await list.save(identity(1, 2), { name: 'Bob', pairedBy: 'qr', verified: 'safety-number' });
    expect(await list.markKeyChanged(identity(7, 7), identity(5, 6))).toBeUndefined(); // not a contact
    const blocked = await list.markKeyChanged(identity(1, 2), identity(5, 6));
    expect(blocked?.pendingKey).toMatchObject({ id: hex(5), x25519: hex(6) });
    expect(list.withPendingKey(identity(5, 6))?.id).toBe(c.id);
    await expect(list.acceptNewKey(c.id, identity(5, 9))).rejects.toThrow(/not the one that was shown/);
    const moved = await list.acceptNewKey(c.id, identity(5, 6));
    expect(moved).toMatchObject({
      id: hex(5),
      x25519: hex(6),
      name: 'Bob',
      verified: null,
      pendingKey: null,
    });
    expect(moved.history).toEqual([
      {
        id: hex(1),
        x25519: hex(2),
        verified: { how: 'safety-number', at: expect.any(Number) },
        replacedAt: expect.any(Number),
      },
    ]);
    expect(list.all().map((x) => x.id)).toEqual([hex(5)]);
  });

  it('drops stored entries that do not parse instead of failing to load', async () => {
    const kv = memoryKv();
    const { pendingKey: _p, history: _h, ...older } = good; // an entry saved before key history existed
    kv.data.set('saved-contacts', [older, { junk: true }, 'x']);
    expect((await loadContactList(kv)).all()).toEqual([good]);
  });
});
