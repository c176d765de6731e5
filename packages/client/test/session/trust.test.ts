// Trust store and keyshare-checkpoint hooks of the client (docs/protocol.md Part 2, 2.6 and 2.7).
import { describe, expect, it } from 'vitest';
import type { SessionEndError, SignalingIntegrityError } from '../../src/errors/integrity.ts';
import { Identity } from '../../src/identity/identity.ts';
import { TrustStore } from '../../src/identity/trust-store.ts';
import type { Session } from '../../src/session/session.ts';
import { newClient, text } from '../support/peers.ts';
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

  it('a checkpoint the inviter rejects (split view) after CONFIRM verified: the invite is spent and its promise rejects checkpoint_rejected, never open', async () => {
    const splitView = Object.assign(new Error('split view'), { code: 'split_view' });
    const inviter = await newClient(server.url, undefined, {
      verifyPeerCheckpoint: async () => {
        throw splitView;
      },
    });
    const scanner = await newClient(server.url, inviter.channelId, { checkpoint: () => 'forked checkpoint' });
    let opened = false;
    const refused: string[] = [];
    inviter.on('session', (s) => s.on('open', () => (opened = true)));
    inviter.on('refused', (r) => refused.push(r));
    const inv = inviter.createInvite();
    const [a, b] = await Promise.allSettled([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(a.status).toBe('rejected');
    const err = (a as PromiseRejectedResult).reason as SignalingIntegrityError;
    expect(err.reason).toBe('checkpoint_rejected');
    expect(err.cause).toBe(splitView);
    expect(err.kind).toBe('integrity');
    expect(opened).toBe(false);
    // The proven attempt spent the invite: it is not a mere 'refused' attempt…
    expect(refused).toEqual([]);
    // The scanner had nothing to check, so its side opened, then got the inviter's sealed ABORT: an
    // authenticated integrity reason from the peer is a peer_alarm (2.7).
    const sb = (b as PromiseFulfilledResult<Session>).value;
    const sbErr = await new Promise<SessionEndError>((r) =>
      sb.state === 'failed' ? r(sb.error!) : sb.once('integrity-error', r),
    );
    expect(sbErr).toMatchObject({
      kind: 'integrity',
      reason: 'peer_alarm',
      peerReason: 'checkpoint_rejected',
    });
    // …and the invite stays spent: a second scanner is refused invite_used.
    const again = await newClient(server.url, inviter.channelId);
    await expect(again.acceptInvite(inv.uri)).rejects.toMatchObject({
      kind: 'connect',
      peerReason: 'invite_used',
    });
    expect(refused).toEqual(['invite_used']);
    inviter.close();
    scanner.close();
    again.close();
  });

  it('a checkpoint the scanner rejects (split view): the scanner fails checkpoint_rejected; the inviter, already open, gets a peer_alarm', async () => {
    const splitView = Object.assign(new Error('split view'), { code: 'split_view' });
    const inviter = await newClient(server.url, undefined, { checkpoint: () => 'forked checkpoint' });
    const scanner = await newClient(server.url, inviter.channelId, {
      verifyPeerCheckpoints: async () => {
        throw splitView;
      },
    });
    const inv = inviter.createInvite();
    const [a, b] = await Promise.allSettled([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(b.status).toBe('rejected');
    const err = (b as PromiseRejectedResult).reason as SignalingIntegrityError;
    expect(err).toMatchObject({ kind: 'integrity', reason: 'checkpoint_rejected' });
    expect(err.cause).toBe(splitView);
    // The inviter verified the scanner's CONFIRM (invite spent) and had nothing to check: it opened,
    // then the scanner's sealed ABORT ended it with an integrity verdict.
    expect(a.status).toBe('fulfilled');
    const sa = (a as PromiseFulfilledResult<Session>).value;
    const saErr = await new Promise<SessionEndError>((r) =>
      sa.state === 'failed' ? r(sa.error!) : sa.once('integrity-error', r),
    );
    expect(saErr).toMatchObject({
      kind: 'integrity',
      reason: 'peer_alarm',
      peerReason: 'checkpoint_rejected',
    });
    inviter.close();
    scanner.close();
  });

  it('several checkpoints travel in order; the session opens only after the check, holding early messages', async () => {
    const notes = ['log.a/1\n5\nAAAA\n', 'log.b/2\n9\nBBBB\n', 'log.c/3\n1\nCCCC\n'];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const seen: Array<readonly string[]> = [];
    const inviter = await newClient(server.url, undefined, {
      verifyPeerCheckpoints: async (cps) => {
        seen.push(cps);
        await gate;
      },
    });
    const scanner = await newClient(server.url, inviter.channelId, { checkpoints: () => notes });
    const inv = inviter.createInvite();
    let inviterOpen = false;
    void inv.session.then(() => (inviterOpen = true));
    const b = await scanner.acceptInvite(inv.uri);
    b.send('sent before the inviter finished its check');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([notes]);
    expect(inviterOpen).toBe(false);
    const a = inviter.sessions()[0]!;
    expect(a.state).toBe('checking');
    release();
    // A listener attached once the pairing resolved (as the CLI and the app do) still gets them.
    const opened = await inv.session;
    const got: string[] = [];
    opened.on('message', (m) => got.push(text(m)));
    b.send('sent after');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual(['sent before the inviter finished its check', 'sent after']);
    expect(a.peerCheckpoints).toEqual(notes);
    expect(a.peerCheckpoint).toBe(notes[0]);
    inviter.close();
    scanner.close();
  });

  it('the verifier of all checkpoints runs when the peer sent none (to report "not cross-checked")', async () => {
    const seen: Array<readonly string[]> = [];
    const inviter = await newClient(server.url, undefined, {
      verifyPeerCheckpoints: async (cps) => seen.push(cps),
    });
    const scanner = await newClient(server.url, inviter.channelId);
    const inv = inviter.createInvite();
    await Promise.all([inv.session, scanner.acceptInvite(inv.uri)]);
    expect(seen).toEqual([[]]);
    inviter.close();
    scanner.close();
  });
});
