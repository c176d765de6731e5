// Strangers cannot disturb a short-code pairing (docs/protocol.md Part 2, 2.7 and 2.8): PAKE1 is public,
// so every channel member sees the nameplate and sid. Junk on that sid, a racing PAKE2 and a PAKE1 spray
// from a third client are dropped and counted; the real pair still pairs, and the code survives.
import { afterEach, describe, expect, it } from 'vitest';
import type { SealpeerClient } from '../../src/client.ts';
import { cpaceInit } from '../../src/cpace/index.ts';
import { randomBytes } from '../../src/crypto/sodium.ts';
import { dataToFrame, FrameType, frameToData } from '../../src/envelope/frame.ts';
import {
  CodeTries,
  MAX_CONCURRENT_PER_CODE,
  MAX_PAKE1_PER_SENDER_PER_MINUTE,
  MAX_PAKE2_PER_ATTEMPT,
  MAX_TRIES_PER_CODE,
  MAX_TRIES_PER_SENDER,
  Pake2Checks,
  SenderRate,
} from '../../src/pairing/code-gate.ts';
import { newClient } from '../support/peers.ts';
import { TamperingProxy } from '../support/proxy.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
const open: SealpeerClient[] = [];
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await proxy?.close();
  proxy = undefined;
});

async function three(url: string) {
  const shower = await newClient(url);
  const joiner = await newClient(url, shower.channelId);
  const third = await newClient(url, shower.channelId);
  open.push(shower, joiner, third);
  return { shower, joiner, third };
}

/** A CPace message for a wrong guess (what a stranger can put in PAKE1 / PAKE2). */
function guessMessage(): Uint8Array {
  return cpaceInit({
    prs: new TextEncoder().encode('sealpeer/1 code 999-999999'),
    ci: new Uint8Array(1),
    sid: randomBytes(16),
    ad: new Uint8Array(0),
    role: 'initiator',
  }).message;
}

/** Calls `fn` with each PAKE1 the third client sees published (frame sid and sender). */
function onPake1(third: SealpeerClient, fn: (sid: Uint8Array, from: string) => void): void {
  third.on('stray', (m) => {
    if (m.via !== 'publish') return;
    const f = dataToFrame(m.data);
    if (f.type === FrameType.PAKE1) fn(f.sid, m.from);
  });
}

describe('short code: strangers', () => {
  it('junk frames from a third client on the published sid do not kill the pairing (dropped, counted)', async () => {
    const { shower, joiner, third } = await three(server.url);
    const shown = shower.showCode();
    onPake1(third, (sid, from) => {
      const junk = [
        frameToData({ type: FrameType.ABORT, sid, counter: 0n, body: new Uint8Array([3]) }),
        frameToData({ type: FrameType.HANDSHAKE, sid, counter: 1n, body: randomBytes(48) }),
        frameToData({ type: FrameType.SEALED, sid, counter: 1n, body: randomBytes(272) }),
        frameToData({ type: FrameType.HELLO, sid, counter: 1n, body: randomBytes(40) }),
      ];
      for (const d of junk) {
        third.relaySend(from, d);
        third.relaySend(shower.clientId, d);
      }
    });
    const [s, j] = await Promise.all([shown.session, joiner.joinWithCode(shown.code)]);
    expect(s.safetyNumber).toBe(j.safetyNumber);
    expect(j.peerClientId).toBe(shower.clientId);
    // The session continues under sid', which the third client never saw.
    expect(s.id).toBe(j.id);
    await new Promise((r) => setTimeout(r, 150));
    expect(joiner.strayCount + shower.strayCount).toBeGreaterThan(0);
    expect(s.state).toBe('open');
    expect(j.state).toBe('open');
  });

  it('a racing PAKE2 from a third party does not bind: the joiner binds the shower once its tag verifies', async () => {
    proxy = await TamperingProxy.start(server.url);
    const { shower, joiner, third } = await three(proxy.url);
    const px = proxy;
    // The relay delays the shower's PAKE2 so that the stranger's arrives first.
    px.tamper = (f) => {
      if (f.dir !== 'down' || f.client !== joiner.clientId || f.frame.type !== 'message') return undefined;
      if (f.frame.from !== shower.clientId) return undefined;
      const fr = dataToFrame(String(f.frame.data));
      if (fr.type !== FrameType.PAKE2) return undefined;
      setTimeout(() => px.deliver(joiner.clientId, f.frame), 300);
      return [];
    };
    const shown = shower.showCode();
    onPake1(third, (sid, from) => {
      const body = new Uint8Array([...guessMessage(), ...randomBytes(32)]);
      third.relaySend(from, frameToData({ type: FrameType.PAKE2, sid, counter: 0n, body }));
    });
    const [s, j] = await Promise.all([shown.session, joiner.joinWithCode(shown.code)]);
    expect(j.peerClientId).toBe(shower.clientId);
    expect(s.peerClientId).toBe(joiner.clientId);
    expect(s.safetyNumber).toBe(j.safetyNumber);
    expect(joiner.strayCount).toBeGreaterThanOrEqual(1);
  });

  it('a PAKE1 spray from a third client does not spend the code', async () => {
    const { shower, joiner, third } = await three(server.url);
    const shown = shower.showCode();
    const np = Number(shown.code.slice(0, 3));
    const npBytes = new Uint8Array([np >> 8, np & 0xff]);
    let answered = 0;
    third.on('stray', (m) => {
      if (m.via === 'message' && dataToFrame(m.data).type === FrameType.PAKE2) answered++;
    });
    for (let i = 0; i < 12; i++)
      third.relayPublish(
        frameToData({
          type: FrameType.PAKE1,
          sid: randomBytes(16),
          counter: 0n,
          body: new Uint8Array([...npBytes, ...guessMessage()]),
        }),
      );
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(MAX_TRIES_PER_SENDER);
    expect(shower.strayCount).toBe(12 - MAX_TRIES_PER_SENDER);
    const [s, j] = await Promise.all([shown.session, joiner.joinWithCode(shown.code)]);
    expect(s.safetyNumber).toBe(j.safetyNumber);
  });
});

describe('short code: online-guessing bounds (src/pairing/code-gate.ts)', () => {
  it('a code answers at most MAX_TRIES_PER_SENDER per sender, MAX_CONCURRENT at once, MAX_TRIES in all', () => {
    const t = new CodeTries();
    for (let i = 0; i < MAX_TRIES_PER_SENDER; i++) {
      expect(t.refuse('a')).toBeUndefined();
      t.take('a');
      t.failed();
    }
    expect(t.refuse('a')).toMatch(/tries/);
    const live = new CodeTries();
    for (let i = 0; i < MAX_CONCURRENT_PER_CODE; i++) live.take(`s${i}`);
    expect(live.refuse('other')).toMatch(/in flight/);
    const all = new CodeTries();
    let exhausted = false;
    for (let i = 0; i < MAX_TRIES_PER_CODE; i++) {
      expect(all.refuse(`x${i}`)).toBeUndefined();
      all.take(`x${i}`);
      exhausted = all.failed();
    }
    expect(exhausted).toBe(true);
    expect(all.refuse('fresh')).toMatch(/used up/);
    expect(MAX_TRIES_PER_CODE / 1e6).toBeLessThanOrEqual(1e-5);
  });

  it('a sender gets at most MAX_PAKE1_PER_SENDER_PER_MINUTE answers per minute', () => {
    let now = 0;
    const r = new SenderRate(() => now);
    for (let i = 0; i < MAX_PAKE1_PER_SENDER_PER_MINUTE; i++) expect(r.take('a')).toBe(true);
    expect(r.take('a')).toBe(false);
    expect(r.take('b')).toBe(true);
    now = 60_001;
    expect(r.take('a')).toBe(true);
  });

  it('a joiner checks one PAKE2 per sender and MAX_PAKE2_PER_ATTEMPT in all', () => {
    const c = new Pake2Checks();
    expect(c.take('a')).toBeUndefined();
    expect(c.take('a')).toMatch(/already/);
    for (let i = 1; i < MAX_PAKE2_PER_ATTEMPT; i++) expect(c.take(`p${i}`)).toBeUndefined();
    expect(c.take('one-more')).toMatch(/too many/);
  });
});
