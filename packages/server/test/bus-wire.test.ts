// The bus's payload format (src/bus/wire.ts) and a channel's mirror of the other nodes (src/bus/mirror.ts):
// round trips, and payloads that are cut, empty or wrongly typed decode to nothing (never a throw).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelMirror } from '../src/bus/mirror.ts';
import { decodeEvent, decodeSend, encodeEvent, encodePublish, encodeSend } from '../src/bus/wire.ts';

const frame = Buffer.from('{"type":"message","from":"a","data":"x\\ny"}');

describe('bus payloads', () => {
  it('round-trip every message kind, frame bytes unchanged', () => {
    expect(decodeEvent(Buffer.from(encodeEvent('o', 'n1', 'c1', 1234)))).toEqual({
      k: 'o',
      node: 'n1',
      client: 'c1',
      at: 1234,
    });
    for (const k of ['f', 'j', 'l'] as const)
      expect(decodeEvent(Buffer.from(encodeEvent(k, 'n1', 'c1')))).toEqual({ k, node: 'n1', client: 'c1' });
    const p = decodeEvent(encodePublish('n2', frame));
    expect(p?.k === 'p' && p.frame.equals(frame)).toBe(true);
    const s = decodeSend(encodeSend('ch', 'to', frame));
    expect(s?.channelId).toBe('ch');
    expect(s?.to).toBe('to');
    expect(s?.frame.equals(frame)).toBe(true);
  });

  it('decode cut, empty and malformed payloads to undefined', () => {
    const bad = [
      '',
      'x',
      'p',
      'p\n',
      'p\nnode\n',
      'o\nn\nc',
      'o\nn\nc\nnot-a-number',
      'o\nn\nc\n1\nextra',
      'j\n',
      'f\nn',
      'z\nn\nc',
    ];
    for (const b of bad) expect(decodeEvent(Buffer.from(b)), JSON.stringify(b)).toBeUndefined();
    for (const b of ['', 's', 's\n', 's\nch', 's\nch\nto', 's\nch\nto\n', 's\n\nto\nf', 'x\nch\nto\nf'])
      expect(decodeSend(Buffer.from(b)), JSON.stringify(b)).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b = Buffer.from(bytes);
        decodeEvent(b);
        decodeSend(b);
      }),
    );
  });
});

describe('channel mirror', () => {
  it('tells join/leave once; a newer login elsewhere survives the older node’s offline and leave', () => {
    const m = new ChannelMirror();
    expect(m.subscribe('c', 'n1')).toEqual(['join']);
    expect(m.subscribe('c', 'n1')).toEqual([]);
    m.setOnline('c', 'n1', 10);
    // The client logs in again on n2 (newer): its subscription moves, n1's late leave/offline change nothing.
    m.setOnline('c', 'n2', 20);
    expect(m.subscribe('c', 'n2')).toEqual(['leave', 'join']);
    m.setOffline('c', 'n1');
    expect(m.unsubscribe('c', 'n1')).toBe(false);
    expect(m.online.get('c')).toEqual({ node: 'n2', at: 20 });
    // A stale re-announce of the older login does not take it back.
    m.setOnline('c', 'n1', 10);
    expect(m.online.get('c')?.node).toBe('n2');
    expect(m.dropNode('n2')).toEqual(['c']);
    expect(m.online.size + m.subs.size).toBe(0);
  });
});
