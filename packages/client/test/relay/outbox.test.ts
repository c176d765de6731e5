// The outbox's ordering rules (docs/protocol.md 2.13), on a recording wire: frames wait while the relay
// or the peer is away and leave in order; a frame the relay refused with peer_not_found goes back before
// the later ones; nothing is sent twice; best-effort frames (no session) are never queued.
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/client/outbox.ts';

function wire() {
  const sent: Array<[string, string, string]> = [];
  let up = true;
  let n = 0;
  return {
    sent,
    set up(v: boolean) {
      up = v;
    },
    send(to: string, data: string): string | undefined {
      if (!up) return undefined;
      const ref = `c${++n}`;
      sent.push([ref, to, data]);
      return ref;
    },
    publish(data: string): boolean {
      if (up) sent.push(['', '*', data]);
      return up;
    },
  };
}

const datas = (w: ReturnType<typeof wire>, to?: string) =>
  w.sent.filter(([, t]) => to === undefined || t === to).map(([, , d]) => d);

describe('outbox', () => {
  it('queues while the relay is down and flushes in order after the re-login', () => {
    const w = wire();
    const o = new Outbox(w);
    o.push('B', '1', 's');
    w.up = false;
    o.push('B', '2', 's');
    o.push('C', 'x', 't');
    o.push('B', '3', 's');
    expect(o.size).toBe(3);
    w.up = true;
    o.resumed(['B', 'C']);
    expect(datas(w)).toEqual(['1', '2', 'x', '3']);
    expect(o.size).toBe(0);
  });

  it('a peer absent after the re-login keeps its frames until it joins; the others go', () => {
    const w = wire();
    const o = new Outbox(w);
    o.push('B', '1', 's');
    o.push('C', 'x', 't');
    w.up = false;
    o.disconnected();
    o.push('B', '2', 's');
    o.push('C', 'y', 't');
    w.up = true;
    o.resumed(['C']);
    expect(datas(w)).toEqual(['1', 'x', 'y']);
    o.push('B', '3', 's'); // behind '2', not before it
    expect(datas(w, 'B')).toEqual(['1']);
    o.joined('B');
    expect(datas(w, 'B')).toEqual(['1', '2', '3']);
  });

  it('peer_not_found puts the refused frames back in their order, before later ones, each sent once more', () => {
    const w = wire();
    const o = new Outbox(w);
    o.push('B', '1', 's');
    o.push('B', '2', 's');
    o.push('B', '3', 's');
    const refs = w.sent.map(([r]) => r);
    // The relay refused 2 and 3 (B had left), answered in order.
    expect(o.notFound(refs[1]!)).toBe(true);
    o.push('B', '4', 's'); // B is away now: waits behind 2
    expect(o.notFound(refs[2]!)).toBe(true);
    expect(o.notFound(refs[2]!)).toBe(false); // one refusal per frame
    expect(o.notFound('c999')).toBe(false);
    expect(datas(w)).toEqual(['1', '2', '3']);
    o.joined('B');
    expect(datas(w)).toEqual(['1', '2', '3', '2', '3', '4']);
  });

  it('a broadcast (PAKE1) while the relay is down waits for it; one while a peer is away goes at once', () => {
    const w = wire();
    const o = new Outbox(w);
    o.push('B', '1', 's');
    w.up = false;
    o.disconnected();
    o.publish('pake1');
    o.publish('pake1 again');
    w.up = true;
    o.resumed([]); // B is not back
    expect(datas(w)).toEqual(['1', 'pake1', 'pake1 again']);
    o.publish('later'); // B's frames still wait; broadcasts do not wait behind them
    expect(datas(w)).toEqual(['1', 'pake1', 'pake1 again', 'later']);
  });

  it('a frame of no session (ABORT to a stranger) is best effort: never queued', () => {
    const w = wire();
    const o = new Outbox(w);
    w.up = false;
    o.push('X', 'abort');
    w.up = true;
    o.resumed([]);
    expect(datas(w)).toEqual([]);
    expect(o.size).toBe(0);
  });

  it('reserve() refuses once `limit` frames wait (send_queue_full)', () => {
    const w = wire();
    const o = new Outbox(w, 2);
    w.up = false;
    o.reserve();
    o.push('B', '1', 's');
    o.reserve();
    o.push('B', '2', 's');
    expect(() => o.reserve()).toThrow(expect.objectContaining({ code: 'send_queue_full' }));
  });
});
