// `sealpeer invite` + `sealpeer join` as real processes against a real server, and through a relay that
// alters one byte of one `data` field.
import { describe, expect, it } from 'vitest';
import { FrameType } from '../../src/envelope/frame.ts';
import { armOnce } from '../support/attack.ts';
import { runCli } from '../support/cli.ts';
import { type ProxyFrame, TamperingProxy } from '../support/proxy.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

async function inviteAndJoin(url: string) {
  const inviter = runCli([
    'invite',
    '--server',
    url,
    '--json',
    '--send',
    'hello from inviter',
    '--timeout',
    '20',
  ]);
  const { uri } = await inviter.event('invite');
  expect(String(uri)).toMatch(/\/p#[A-Za-z0-9_-]+$/);
  const joiner = runCli(['join', String(uri), '--json', '--send', 'hello from joiner', '--timeout', '8']);
  return { inviter, joiner };
}

/** Replaces one character of a base64url string by another alphabet character (one byte of `data`). */
function alterOneChar(data: string, at: number): string {
  const i = ((at % data.length) + data.length) % data.length;
  const c = data[i] === 'A' ? 'B' : 'A';
  return data.slice(0, i) + c + data.slice(i + 1);
}

describe('sealpeer invite / join', () => {
  it('pair with equal safety numbers, exchange texts and exit 0', async () => {
    const { inviter, joiner } = await inviteAndJoin(server.url);
    const [pi, pj] = await Promise.all([inviter.event('paired'), joiner.event('paired')]);
    expect(pi.safetyNumber).toMatch(/^\d{60}$/);
    expect(pi.safetyNumber).toBe(pj.safetyNumber);
    expect(await inviter.exit).toBe(0);
    expect(await joiner.exit).toBe(0);
    expect(inviter.events).toContainEqual({ event: 'message', text: 'hello from joiner' });
    expect(joiner.events).toContainEqual({ event: 'message', text: 'hello from inviter' });
  });

  type Edit = (f: ProxyFrame) => Array<Record<string, unknown>>;
  const alter =
    (at: number): Edit =>
    (f) => [{ ...f.frame, data: alterOneChar(String(f.frame.data), at) }];

  /** Starts a tampering proxy, an inviter and a joiner, and arms `edit` on the `nth` frame of `type`. */
  async function tampered(type: number, edit: Edit, nth = 1) {
    const proxy = await TamperingProxy.start(server.url);
    const { inviter, joiner } = await inviteAndJoin(proxy.url);
    const inviterId = await new Promise<string>((r) => {
      const t = setInterval(() => {
        const c = proxy.clients();
        if (c.length > 0) {
          clearInterval(t);
          r(c[0]!);
        }
      }, 20);
    });
    let seen = 0;
    armOnce(proxy, inviterId, (f) => f.type === type && ++seen === nth, edit);
    return { proxy, inviter, joiner };
  }

  // Proof of tampering on an open session (the 2nd sealed frame to the inviter, after the joiner's
  // CONFIRM): both sides exit 3 with integrity_error (the inviter from its own check, the joiner from
  // the inviter's sealed ABORT, peer_alarm).
  const proven: Array<[string, number, Edit]> = [
    ['one altered byte in a sealed message to the inviter (middle of data)', FrameType.SEALED, alter(40)],
    [
      'one altered byte in a sealed message to the inviter (last character of data)',
      FrameType.SEALED,
      alter(-1),
    ],
    ['a dropped sealed message to the inviter', FrameType.SEALED, () => []],
    [
      'a sealed message to the inviter stamped with another sender',
      FrameType.SEALED,
      (f) => [{ ...f.frame, from: 'mallory' }],
    ],
  ];
  for (const [what, type, edit] of proven) {
    it(`${what} → both exit 3 with integrity_error`, async () => {
      const { proxy, inviter, joiner } = await tampered(type, edit, 2);
      try {
        expect(await inviter.exit).toBe(3);
        expect(await joiner.exit).toBe(3);
        const ei = inviter.events.find((e) => e.event === 'integrity_error');
        const ej = joiner.events.find((e) => e.event === 'integrity_error');
        expect(ei?.reason).toMatch(/^(bad_tag|counter_gap)$/);
        expect(ej?.reason).toBe('peer_alarm');
        expect(inviter.events.find((e) => e.event === 'done')).toBeUndefined();
      } finally {
        await proxy.close();
      }
    });
  }

  it('an altered CONFIRM from the joiner: the joiner exits 3 (peer_alarm), the invite is not spent', async () => {
    const { proxy, inviter, joiner } = await tampered(FrameType.SEALED, alter(40), 1);
    try {
      expect(await joiner.exit).toBe(3);
      expect(joiner.events.find((e) => e.event === 'integrity_error')?.reason).toBe('peer_alarm');
      // For the inviter this was an attempt that never proved the psk: nothing spent, no alarm.
      const { uri } = await inviter.event('invite');
      const again = runCli(['join', String(uri), '--json', '--send', 'second try', '--timeout', '8']);
      expect(await again.exit).toBe(0);
      expect(await inviter.exit).toBe(0);
      expect(inviter.events.find((e) => e.event === 'integrity_error')).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  // An altered HELLO proves nothing to the joiner (it has no keys yet): it could not connect (exit 1, no
  // integrity_error), and the invite is not spent: a second join with the same invite pairs.
  const unproven: Array<[string, number, Edit]> = [
    ['one altered byte in the handshake HELLO to the inviter', FrameType.HELLO, alter(60)],
    ['one altered byte in the frame header (type byte) of the HELLO', FrameType.HELLO, alter(2)],
  ];
  for (const [what, type, edit] of unproven) {
    it(`${what} → the joiner exits 1 (could not connect), the invite still pairs`, async () => {
      const { proxy, inviter, joiner } = await tampered(type, edit);
      try {
        expect(await joiner.exit).toBe(1);
        expect(joiner.events.find((e) => e.event === 'integrity_error')).toBeUndefined();
        expect(joiner.events.at(-1)).toMatchObject({ event: 'error' });
        const { uri } = await inviter.event('invite');
        const again = runCli(['join', String(uri), '--json', '--send', 'second try', '--timeout', '8']);
        expect(await again.exit).toBe(0);
        expect(await inviter.exit).toBe(0);
        expect(inviter.events).toContainEqual({ event: 'message', text: 'second try' });
        expect(inviter.events.find((e) => e.event === 'integrity_error')).toBeUndefined();
      } finally {
        await proxy.close();
      }
    });
  }

  it('the bin answers --help with exit 0 and bad usage with exit 2', async () => {
    const h = runCli(['invite', '--help']);
    const bad = runCli(['join']);
    expect(await h.exit).toBe(0);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/--help/);
  });

  it('SIGTERM while waiting for a peer: closes cleanly, exit 1 with an interrupted event', async () => {
    const inviter = runCli(['invite', '--server', server.url, '--json', '--ephemeral']);
    await inviter.event('invite');
    await new Promise((r) => setTimeout(r, 300)); // the handler is set right after the invite is printed
    inviter.child.kill('SIGTERM');
    expect(await inviter.exit).toBe(1);
    expect(inviter.events.at(-1)).toMatchObject({ event: 'error', code: 'interrupted' });
  });

  it('an unreachable server exits 1 with an error event', async () => {
    const r = runCli(['invite', '--server', 'http://127.0.0.1:1', '--json', '--ephemeral']);
    expect(await r.exit).toBe(1);
    expect(r.events[0]).toMatchObject({ event: 'error', code: 'relay_unreachable' });
  });
});
