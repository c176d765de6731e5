// Trust store and keyshare-checkpoint hooks of the client (docs/protocol.md Part 2, 2.6 and 2.7).
import { describe, expect, it } from 'vitest';
import { Identity } from '../../src/identity/identity.ts';
import { TrustStore } from '../../src/identity/trust-store.ts';
import type { Session } from '../../src/session/session.ts';
import { newClient } from '../support/peers.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();

describe('trust store', () => {
  it('a QR pairing records each side as a verified contact (method qr)', async () => {
    const ta = new TrustStore();
    const tb = new TrustStore();
    const inviter = await newClient(server.url, undefined, { trustStore: ta });
    const scanner = await newClient(server.url, inviter.channelId, { trustStore: tb });
    const inv = inviter.createInvite({ contactId: 'bob' });
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri, { contactId: 'alice' })]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await ta.get('bob')).toMatchObject({
      state: 'verified',
      verifiedBy: 'qr',
      key: a.peerPublicIdentity,
    });
    expect(a.peerPublicIdentity?.ed25519).toEqual(scanner.local.publicIdentity.ed25519);
    expect(b.state).toBe('open');
    expect((await tb.get('alice'))?.state).toBe('verified');
    expect((await tb.get('alice'))?.key.ed25519).toEqual(inviter.local.publicIdentity.ed25519);
    inviter.close();
    scanner.close();
  });

  it('a known contact whose key changed is blocked before any frame is sent', async () => {
    const trust = new TrustStore();
    const old = Identity.generate();
    await trust.observe('carol', old.publicIdentity);
    const a = await newClient(server.url, undefined, { trustStore: trust });
    const carolNow = await newClient(server.url, a.channelId);
    const c = carolNow.local.publicIdentity;
    let hellos = 0;
    carolNow.on('refused', () => hellos++);
    carolNow.on('session', () => hellos++);
    const changed = new Promise((r) => trust.on('key-changed', r));
    const err = await a
      .connectKnown({
        clientId: carolNow.clientId,
        staticKey: c.x25519,
        identityKey: c.ed25519,
        contactId: 'carol',
      })
      .catch((e) => e);
    expect(err.code).toBe('key_changed');
    await changed;
    await new Promise((r) => setTimeout(r, 200));
    expect(hellos).toBe(0);
    a.close();
    carolNow.close();
  });
});

describe('keyshare checkpoint slot', () => {
  it("carries each side's checkpoint sealed in CONFIRM and hands it to the verifier", async () => {
    const seen: string[] = [];
    const inviter = await newClient(server.url, undefined, {
      checkpoint: () => 'log.example/1\n5\nAAAA\n',
      verifyPeerCheckpoint: async (cp) => seen.push(`inviter saw ${cp.split('\n')[1]}`),
    });
    const scanner = await newClient(server.url, inviter.channelId, {
      checkpoint: () => 'log.example/1\n7\nBBBB\n',
      verifyPeerCheckpoint: async (cp) => seen.push(`scanner saw ${cp.split('\n')[1]}`),
    });
    const inv = inviter.createInvite();
    const [a, b] = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.peerCheckpoint).toBe('log.example/1\n7\nBBBB\n');
    expect(b.peerCheckpoint).toBe('log.example/1\n5\nAAAA\n');
    expect(seen.sort()).toEqual(['inviter saw 7', 'scanner saw 5']);
    inviter.close();
    scanner.close();
  });

  it('a checkpoint the verifier rejects (split view) ends the session: checkpoint_rejected', async () => {
    const inviter = await newClient(server.url, undefined, {
      verifyPeerCheckpoint: async () => {
        throw Object.assign(new Error('split view'), { code: 'split_view' });
      },
    });
    const scanner = await newClient(server.url, inviter.channelId, { checkpoint: () => 'forked checkpoint' });
    const inv = inviter.createInvite();
    const a = await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]).then(([x]) => x as Session);
    const err = await new Promise<{ reason: string }>((r) =>
      a.state === 'failed' ? r(a.error!) : a.once('integrity-error', r),
    );
    expect(err.reason).toBe('checkpoint_rejected');
    inviter.close();
    scanner.close();
  });
});
