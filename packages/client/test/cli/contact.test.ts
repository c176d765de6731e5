// `sealpeer contact` (issue 15): the CLI's contact file beside the identity, import/list/export, bad
// files refused field by field, and `connect` reaching a saved contact through its rendezvous with no
// invite — here the contact is a library client in another private channel.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKeyshare } from '@sealpeer/keyshare';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeAppMessage, encodeAppMessage } from '../../src/chat/app-message.ts';
import { SealpeerClient } from '../../src/client.ts';
import { toHex } from '../../src/crypto/bytes.ts';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import { FileIdentityStore } from '../../src/identity/node-file.ts';
import { KeyshareClient } from '../../src/keyshare/client.ts';
import { identityRecordKeys } from '../../src/keyshare/record.ts';
import type { Session } from '../../src/session/session.ts';
import { runCli } from '../support/cli.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

async function cliHome(): Promise<{ dir: string; identityPath: string; id: Identity }> {
  await ready();
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-contact-cli-'));
  const identityPath = join(dir, 'identity.json');
  const id = Identity.generate();
  await new FileIdentityStore(identityPath).save(id);
  return { dir, identityPath, id };
}

const exportOf = (name: string, id: Identity) =>
  JSON.stringify({
    sealpeerContacts: 1,
    contacts: [
      {
        id: toHex(id.publicIdentity.ed25519),
        x25519: toHex(id.publicIdentity.x25519),
        name,
        pairedBy: 'qr',
        savedAt: 1,
        verified: null,
      },
    ],
  });

describe('sealpeer contact', () => {
  it('imports an export file next to the identity (0600), lists and exports it; refuses a bad file', async () => {
    const home = await cliHome();
    const bob = Identity.generate();
    const file = join(home.dir, 'from-app.json');
    writeFileSync(file, exportOf('Bob', bob));
    const imp = runCli(['contact', 'import', file, '--identity', home.identityPath]);
    expect(await imp.exit).toBe(0);
    expect(await imp.event('imported')).toMatchObject({ added: 1 });
    const stored = join(home.dir, 'contacts.json');
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(stored, 'utf8')).contacts[0].name).toBe('Bob');
    const list = runCli(['contact', 'list', '--json', '--identity', home.identityPath]);
    expect(await list.exit).toBe(0);
    expect(await list.event('contact')).toMatchObject({ name: 'Bob', id: toHex(bob.publicIdentity.ed25519) });
    const exp = runCli(['contact', 'export', '--identity', home.identityPath]);
    expect(await exp.exit).toBe(0);
    const bad = join(home.dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        sealpeerContacts: 1,
        contacts: [{ ...JSON.parse(exportOf('X', bob)).contacts[0], x25519: 'zz' }],
      }),
    );
    const refused = runCli(['contact', 'import', bad, '--identity', home.identityPath]);
    expect(await refused.exit).toBe(1);
    expect(await refused.event('error')).toMatchObject({
      code: 'bad_input',
      message: expect.stringContaining('contacts[0].x25519'),
    });
    const unknown = runCli([
      'contact',
      'connect',
      'Nobody',
      '--server',
      server.url,
      '--identity',
      home.identityPath,
    ]);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toMatch(/no contact named 'Nobody'/);
    const usage = runCli(['contact', 'frobnicate', '--identity', home.identityPath]);
    expect(await usage.exit).toBe(2);
    // A malformed --verifier names the flag, exit 2, before any request (the keyshare URL is unreachable).
    for (const key of ['nope', 'x+0000000+AQID', '']) {
      const badKey = runCli([
        ...['contact', 'add', 'Carol', '--handle', 'carol', '--keyshare', 'http://127.0.0.1:9'],
        ...['--verifier', key, '--identity', home.identityPath],
      ]);
      expect(await badKey.exit, key).toBe(2);
      expect(badKey.stderr(), key).toMatch(key ? /--verifier is not a verifier key/ : /add needs/);
    }
  });

  it('add looks a handle up on a keyshare (--keyshare URL --verifier KEY) and saves it', async () => {
    const home = await cliHome();
    const ks = await startKeyshare({
      dataDir: join(home.dir, 'keyshare'),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    });
    try {
      const carol = Identity.generate();
      await new KeyshareClient({ url: ks.url, verifierKey: ks.verifierKey }).publish(
        'carol',
        identityRecordKeys(carol),
      );
      const add = runCli([
        ...['contact', 'add', 'Carol', '--handle', 'carol', '--keyshare', ks.url],
        ...['--verifier', ` ${ks.verifierKey}\n`, '--identity', home.identityPath],
      ]);
      expect(await add.exit, add.stderr()).toBe(0);
      expect(await add.event('added')).toMatchObject({
        name: 'Carol',
        id: toHex(carol.publicIdentity.ed25519),
        handle: 'carol',
      });
    } finally {
      await ks.close();
    }
  });

  it('connect reaches a saved contact in another channel with no invite; texts cross; exit 0', async () => {
    const home = await cliHome();
    const bob = Identity.generate();
    const file = join(home.dir, 'from-app.json');
    writeFileSync(file, exportOf('Bob', bob));
    expect(await runCli(['contact', 'import', file, '--identity', home.identityPath]).exit).toBe(0);

    // Bob: a library client in its own private channel, with the CLI's identity saved as a contact.
    const b = await SealpeerClient.connect({
      server: server.url,
      identity: bob,
      WebSocket: WebSocket as never,
    });
    const cliPeer = { staticKey: home.id.publicIdentity.x25519, identityKey: home.id.publicIdentity.ed25519 };
    const serve = (s: Session) => {
      s.on('message', (bytes) => {
        const d = decodeAppMessage(bytes);
        if (d.ok && d.message.t === 'text') {
          s.send(encodeAppMessage({ t: 'ack' }));
          s.send(encodeAppMessage({ t: 'text', text: 'hi CLI, Bob here' }));
        }
      });
    };
    b.on('session', (s) => serve(s));
    // The side with the smaller identity key starts (the CLI does the same).
    const bobStarts = toHex(bob.publicIdentity.ed25519) < toHex(home.id.publicIdentity.ed25519);
    b.on('contact-presence', (_p, state) => {
      if (state === 'online' && bobStarts) void b.connectContact(cliPeer).then(serve, () => undefined);
    });
    await b.listenContacts([cliPeer]);

    const run = runCli([
      'contact',
      'connect',
      'Bob',
      '--server',
      server.url,
      '--identity',
      home.identityPath,
      '--send',
      'hello Bob, no invite',
      '--timeout',
      '20',
    ]);
    const paired = await run.event('paired');
    expect(paired.safetyNumber).toMatch(/^\d{60}$/);
    expect(await run.event('message')).toMatchObject({ text: 'hi CLI, Bob here' });
    expect(await run.exit).toBe(0);
    expect(run.events.map((e) => e.event)).toContain('done');
    b.close();
  });

  it('connect to an offline contact waits, then exits 1 (could not connect, never an integrity alarm)', async () => {
    const home = await cliHome();
    const file = join(home.dir, 'c.json');
    writeFileSync(file, exportOf('Ghost', Identity.generate()));
    expect(await runCli(['contact', 'import', file, '--identity', home.identityPath]).exit).toBe(0);
    const run = runCli([
      'contact',
      'connect',
      'Ghost',
      '--server',
      server.url,
      '--identity',
      home.identityPath,
      '--timeout',
      '1',
    ]);
    expect(await run.exit).toBe(1);
    expect(await run.event('error')).toMatchObject({ code: 'contact_offline' });
  });
});
