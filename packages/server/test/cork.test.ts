// The relay's write batcher (src/relay/cork.ts): one cork per socket per event-loop turn, every corked
// socket uncorked at the end of the turn, the same bytes in the same order, and a socket held again
// while the batch is being flushed (a write that leads to another write) is batched in the next turn.
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Holdable, WriteBatcher } from '../src/relay/cork.ts';

function holder(): Holdable & { out: string[]; stream: PassThrough } {
  const stream = new PassThrough();
  const out: string[] = [];
  stream.on('data', (c: Buffer) => out.push(c.toString()));
  return { socket: stream, heldTurn: -1, out, stream };
}

describe('WriteBatcher', () => {
  it('corks each socket once per turn and writes everything, in order, as one chunk at the turn end', async () => {
    const b = new WriteBatcher();
    const [x, y] = [holder(), holder()];
    for (const [h, text] of [
      [x, 'a'],
      [y, '1'],
      [x, 'b'],
      [x, 'c'],
      [y, '2'],
    ] as const) {
      b.hold(h);
      h.stream.write(text);
    }
    expect(x.stream.writableCorked).toBe(1);
    expect(y.stream.writableCorked).toBe(1);
    expect(x.out).toEqual([]);
    await nextTurn();
    await nextTurn();
    expect(x.stream.writableCorked).toBe(0);
    expect(y.stream.writableCorked).toBe(0);
    expect(x.out.join('')).toBe('abc');
    expect(y.out.join('')).toBe('12');
  });

  it('batches again in every later turn', async () => {
    const b = new WriteBatcher();
    const x = holder();
    for (const text of ['t1', 't2', 't3']) {
      b.hold(x);
      x.stream.write(text);
      expect(x.stream.writableCorked).toBe(1);
      await nextTurn();
      expect(x.stream.writableCorked).toBe(0);
    }
    await nextTurn();
    expect(x.out.join('')).toBe('t1t2t3');
  });

  it('a hold made while the batch is flushed corks again and is flushed in the next turn', async () => {
    const b = new WriteBatcher();
    const [x, y] = [holder(), holder()];
    let echoed = false;
    x.stream.on('data', () => {
      if (echoed) return;
      echoed = true;
      // Runs inside x's uncork, i.e. during the flush: y is still in the list being flushed.
      b.hold(x);
      x.stream.write('late');
    });
    b.hold(x);
    x.stream.write('first');
    b.hold(y);
    y.stream.write('other');
    await nextTurn();
    expect(y.stream.writableCorked).toBe(0);
    expect(y.out.join('')).toBe('other');
    expect(x.stream.writableCorked).toBe(1);
    await nextTurn();
    await nextTurn();
    expect(x.stream.writableCorked).toBe(0);
    expect(x.out.join('')).toBe('firstlate');
  });
});
