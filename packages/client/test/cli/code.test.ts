// `sealpeer code show` + `sealpeer code type` as real processes against a real server (short-code
// pairing, docs/protocol.md 2.7 path 2), and the CLI's handling of a peer's application messages (2.12).
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeAppMessage, encodeAppMessage } from '../../src/chat/app-message.ts';
import { SealpeerClient } from '../../src/client.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import { runCli } from '../support/cli.ts';
import { newClient } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

/** A code with every secret digit changed (so it is certainly wrong). */
const wrongCode = (code: string): string =>
  code.replace(/\d{6}$/, (d) => [...d].map((c) => String((Number(c) + 5) % 10)).join(''));

async function show(extra: string[] = []) {
  const shower = runCli([
    'code',
    'show',
    '--server',
    server.url,
    '--json',
    '--ephemeral',
    '--send',
    'hello from shower',
    '--timeout',
    '20',
    ...extra,
  ]);
  const ev = await shower.event('code');
  return { shower, code: String(ev.code), channelId: String(ev.channelId), link: String(ev.channelLink) };
}

const type = (code: string, channel: string, extra: string[] = []) =>
  runCli([
    'code',
    'type',
    code,
    '--channel',
    channel,
    '--json',
    '--ephemeral',
    '--send',
    'hello from typist',
    '--timeout',
    '10',
    ...extra,
  ]);

/** The exit code a run's last verdict calls for: 3 after an integrity_error, 1 after an error event. */
function verdict(events: Array<Record<string, unknown>>): number {
  if (events.some((e) => e.event === 'integrity_error')) return 3;
  if (events.some((e) => e.event === 'error')) return 1;
  return 0;
}

describe('sealpeer code show / type', () => {
  it('show prints the code and the channel link; type (with the link) pairs and both exchange texts', async () => {
    const { shower, code, channelId, link } = await show();
    expect(code).toMatch(/^\d{3}-\d{6}$/);
    expect(channelId).toMatch(/^[0-9a-f-]{36}$/);
    expect(link).toBe(`${server.url}/#/c/${channelId}`);
    // The link alone names server and channel.
    const typist = type(code, link);
    const [ps, pt] = await Promise.all([shower.event('paired'), typist.event('paired')]);
    expect(ps.safetyNumber).toMatch(/^\d{60}$/);
    expect(pt.safetyNumber).toBe(ps.safetyNumber);
    expect(await shower.exit).toBe(0);
    expect(await typist.exit).toBe(0);
    expect(shower.events).toContainEqual({ event: 'message', text: 'hello from typist' });
    expect(typist.events).toContainEqual({ event: 'message', text: 'hello from shower' });
  });

  it('type with --channel ID and --server pairs in a channel given to show', async () => {
    const other = await newClient(server.url); // a channel someone else made (and stays in)
    const { shower, code, channelId } = await show(['--channel', other.channelId]);
    expect(channelId).toBe(other.channelId);
    const typist = type(code, channelId, ['--server', server.url]);
    expect(await typist.exit).toBe(0);
    expect(await shower.exit).toBe(0);
    other.close();
  });

  it('a wrong code: the typist could not connect (exit 1, wrong_code, no alarm); the code survives and pairs', async () => {
    const { shower, code, link } = await show();
    const typist = type(wrongCode(code), link);
    const et = await typist.exit;
    expect(typist.events.find((e) => e.event === 'paired')).toBeUndefined();
    expect(typist.events.find((e) => e.event === 'integrity_error')).toBeUndefined();
    expect(typist.events.at(-1)).toMatchObject({
      event: 'error',
      code: 'connect_failed',
      reason: 'wrong_code',
    });
    expect(et).toBe(1);
    expect(et).toBe(verdict(typist.events));
    // A wrong try spends only itself (docs/protocol.md 2.7): the right code still pairs.
    const again = type(code, link);
    expect(await again.exit).toBe(0);
    expect(await shower.exit).toBe(0);
    expect(shower.events.find((e) => e.event === 'integrity_error')).toBeUndefined();
  });

  it('nobody types the code within --ttl: exit 1 with a timeout error that says what to do', async () => {
    const { shower } = await show(['--ttl', '10']);
    expect(await shower.exit).toBe(1);
    const last = shower.events.at(-1);
    expect(last).toMatchObject({ event: 'error', code: 'timeout' });
    expect(String(last?.message)).toMatch(/code show/);
  });

  it('bad usage exits 2 with a hint: a malformed code, no channel, a bad link', async () => {
    const runs = [
      runCli(['code']),
      runCli(['code', 'dance']),
      runCli(['code', 'show']),
      runCli([
        'code',
        'type',
        '12-3456',
        '--channel',
        `${server.url}/#/c/00000000-0000-4000-8000-000000000000`,
      ]),
      runCli(['code', 'type', '123-456789', '--server', server.url]),
      runCli(['code', 'type', '123-456789', '--channel', `${server.url}/#/contacts`]),
    ];
    for (const r of runs) {
      expect(await r.exit).toBe(2);
      expect(r.stderr()).toMatch(/--help/);
    }
  });
});

describe('the CLI and a peer speaking the application-message format (2.12)', () => {
  it('a malformed message is reported as ignored; texts still cross and the CLI exits 0', async () => {
    const inviter = runCli(['invite', '--server', server.url, '--json', '--ephemeral', '--send', 'cli text']);
    const { uri } = await inviter.event('invite');
    await ready();
    // A library client stands in for another implementation (e.g. the browser app).
    const joined = await SealpeerClient.joinInvite(String(uri), {
      identity: Identity.generate(),
      WebSocket: WebSocket as never,
    });
    try {
      // Listen before the session opens: the CLI sends its text the moment it is open.
      const session = joined.client.sessions()[0]!;
      const got: unknown[] = [];
      session.on('message', (b) => {
        const d = decodeAppMessage(b);
        got.push(d);
        if (d.ok && d.message.t === 'text') session.send(encodeAppMessage({ t: 'ack' }));
      });
      await joined.session;
      session.send('{"t":"text","text":42}'); // malformed
      session.send('{"t":"sticker","id":7}'); // unknown type: silently ignored
      session.send(encodeAppMessage({ t: 'text', text: 'app text' }));
      await inviter.event('done');
      expect(await inviter.exit).toBe(0);
      expect(inviter.events.filter((e) => e.event === 'ignored')).toEqual([
        { event: 'ignored', reason: 'malformed', detail: '"text" is not a string or null' },
      ]);
      expect(inviter.events).toContainEqual({ event: 'message', text: 'app text' });
      // The CLI spoke the same format: its text, and an ack of ours.
      expect(got).toContainEqual({ ok: true, message: { t: 'text', text: 'cli text' } });
      expect(got).toContainEqual({ ok: true, message: { t: 'ack' } });
    } finally {
      joined.client.close();
    }
  });
});
