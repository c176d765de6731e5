// Rendezvous over the bus, unit level: the tag payloads (src/bus/tag-wire.ts), the tag mirror
// (src/bus/tag-mirror.ts) and the RETAG script's field names (src/bus/tag-script.ts). Cut, empty or
// wrongly typed payloads decode to nothing, never a throw; a snapshot older than a leave does not bring
// the member back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagMirror } from '../src/bus/tag-mirror.ts';
import { splitField, tagField } from '../src/bus/tag-script.ts';
import { decodeTagEvent, decodeTagged, encodeTagged, encodeTagJoin } from '../src/bus/tag-wire.ts';

const frame = Buffer.from('{"type":"message","from":"a","data":"x\\ny"}');
const T = 'A'.repeat(43);

describe('tag payloads', () => {
  it('round-trip: join, leave and a tagged send with its frame bytes unchanged', () => {
    expect(decodeTagEvent(Buffer.from(encodeTagJoin('n1', 'c1', 'd')))).toEqual({
      k: 'J',
      node: 'n1',
      client: 'c1',
      mode: 'd',
    });
    expect(decodeTagEvent(Buffer.from('L\nn1\nc1'))).toEqual({ k: 'L', node: 'n1', client: 'c1' });
    const s = decodeTagged(encodeTagged(T, 'to', true, frame));
    expect(s).toMatchObject({ tag: T, to: 'to', fromDial: true });
    expect(s?.frame.equals(frame)).toBe(true);
    expect(decodeTagged(encodeTagged(T, 'to', false, frame))?.fromDial).toBe(false);
  });

  it('decode cut, empty and malformed payloads to undefined', () => {
    for (const b of [
      '',
      'J',
      'J\n',
      'J\nn\nc',
      'J\nn\nc\nx',
      'J\nn\nc\nl\nmore',
      'J\n\nc\nl',
      'L\nn',
      'L\nn\nc\nx',
      'Q\nn\nc',
    ])
      expect(decodeTagEvent(Buffer.from(b)), JSON.stringify(b)).toBeUndefined();
    for (const b of [
      '',
      'r',
      'r\n',
      `r\n${T}\nto\nl\n`,
      `r\n${T}\nto\nz\n{}`,
      `r\n${T}\nto`,
      `r\n\nto\nl\n{}`,
      `s\n${T}\nto\nl\n{}`,
    ])
      expect(decodeTagged(Buffer.from(b)), JSON.stringify(b)).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        decodeTagEvent(Buffer.from(bytes));
        decodeTagged(Buffer.from(bytes));
      }),
    );
  });

  it('hash fields split back into node and client; a field without both halves is nothing', () => {
    expect(splitField(tagField('n1', 'c-1'))).toEqual({ node: 'n1', client: 'c-1' });
    for (const f of ['', '|', 'n|', '|c', 'nc']) expect(splitField(f)).toBeUndefined();
  });
});

describe('tag mirror', () => {
  it('tells join and leave once per member; a mode change is quiet; a dead node drops its members', () => {
    const m = new TagMirror();
    expect(m.add('n1', 'c', 'l')).toBe(true);
    expect(m.add('n1', 'c', 'd')).toBe(false);
    expect(m.find('c')).toEqual({ node: 'n1', client: 'c', dial: true });
    expect(m.add('n2', 'c', 'l')).toBe(true); // a takeover in flight: one client on two nodes
    expect(m.remove('n1', 'c')?.dial).toBe(true);
    expect(m.remove('n1', 'c')).toBeUndefined();
    expect(m.dropNode('n2').map((x) => x.client)).toEqual(['c']);
    expect(m.members.size).toBe(0);
  });

  it('a snapshot taken before a leave does not bring the member back; a later join does', () => {
    const m = new TagMirror();
    m.add('n1', 'c', 'l');
    m.loading++;
    m.remove('n1', 'c'); // the leave event overtook the snapshot's reply
    expect(m.addFromSnapshot('n1', 'c', 'l')).toBe(false);
    m.loaded();
    expect(m.members.size).toBe(0);
    m.loading++;
    m.remove('n1', 'c');
    expect(m.add('n1', 'c', 'l')).toBe(true); // joined again after leaving
    expect(m.addFromSnapshot('n1', 'c', 'l')).toBe(false);
    m.loaded();
    expect(m.members.size).toBe(1);
  });
});
