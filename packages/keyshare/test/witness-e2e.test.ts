// A keyshare with two witnesses, each a real `sealpeer-keyshare witness` process on loopback with its
// own data dir: the keyshare pushes every checkpoint, serves it cosigned, and clients that pin the
// witnesses with a k-of-n quorum refuse a checkpoint without the quorum, a bad or replayed
// cosignature, and a forked log the witnesses would not cosign. A restarted witness keeps its state.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey } from '../src/keys.ts';
import { originHash } from '../src/witness/server.ts';
import { collect, listeningWitness, run, waitFor } from './cli-support.ts';
import { failureOf, startTestKeyshare, tempDir, testKey } from './helpers.ts';
import { startTestWitness } from './witness-support.ts';

function startWitnessProcess(dataDir: string, logKey: string, name: string, port = 0) {
  const child = run(['witness', '--data-dir', dataDir, '--name', name, '--port', String(port)], {
    SEALPEER_WITNESS_LOGS: logKey,
  });
  const io = collect(child);
  return { child, io, ready: waitFor(() => listeningWitness(io.out())) };
}

const cosigLines = (note: string) => note.split('\n').filter((l) => l.startsWith('\u2014 witness.test/'));

describe('keyshare + witness processes + quorum clients', () => {
  it('cosigned checkpoints, k-of-n quorum, bad cosignatures, a stopped and restarted witness', async () => {
    const ksDir = tempDir();
    const logKey = keyshare.formatVerifierKey(loadOrCreateLogKey(ksDir, 'keys.test/log').signer);
    const [d1, d2] = [join(tempDir(), 'w1'), join(tempDir(), 'w2')];
    const p1 = startWitnessProcess(d1, logKey, 'witness.test/w1');
    const p2 = startWitnessProcess(d2, logKey, 'witness.test/w2');
    const [w1, w2] = await Promise.all([p1.ready, p2.ready]);
    expect(p1.io.err()).toContain(`cosigner key: ${w1.cosignerKey}`);
    const ks = await startTestKeyshare({
      dataDir: ksDir,
      witnesses: [`${w1.url},${w1.cosignerKey}`, `${w2.url},${w2.cosignerKey}`],
      witnessTimeoutMs: 3000,
    });
    const keys = [w1.cosignerKey, w2.cosignerKey];
    const client = (quorum: number, fetchImpl?: keyshare.FetchLike, pinned = keys) =>
      new KeyshareClient({
        url: ks.url,
        verifierKey: ks.verifierKey,
        witnesses: { keys: pinned, quorum },
        fetch: fetchImpl,
      });

    // 2 of 2: the publish answer and later lookups carry both cosignatures.
    const alice = await client(2).publish('alice', testKey('alice'));
    expect(cosigLines(alice.checkpoint.note)).toHaveLength(2);
    expect((await client(2).lookup('alice')).status).toBe('active');
    const served = await (await fetch(`${ks.url}/checkpoint`)).text();
    expect(cosigLines(served)).toHaveLength(2);
    expect(await (await fetch(`${ks.url}/v1/checkpoint`)).text()).toBe(served);
    // Standard note verification with only the log key still accepts it (cosignatures are ignored).
    expect(keyshare.openCheckpoint(served, keyshare.parseVerifierKey(ks.verifierKey)).size).toBe(1);
    // A tile reader (e.g. of a mirror) can require the quorum too.
    const logV = keyshare.parseVerifierKey(ks.verifierKey);
    const tiles = new keyshare.TileLogReader(ks.url, logV, undefined, { keys, quorum: 2 });
    expect((await tiles.entry(await tiles.checkpoint(), 0)).length).toBeGreaterThan(0);
    const strangerTiles = new keyshare.TileLogReader(ks.url, logV, undefined, {
      keys: [keyshare.formatCosignerKey(keyshare.generateCosigner('witness.test/w8'))],
      quorum: 1,
    });
    expect(await failureOf(strangerTiles.checkpoint())).toBe('unverified:witness_quorum');

    // A flipped bit in w2's cosignature, or w1's cosignature of an older checkpoint moved onto a
    // newer one: cosignature_invalid, even when the quorum would be met without it.
    const editCheckpoint =
      (edit: (note: string) => string): keyshare.FetchLike =>
      async (u, i) => {
        const res = await fetch(u, i);
        if (!u.includes('/v1/records/')) return res;
        const body = (await res.json()) as { checkpoint: string };
        return Response.json({ ...body, checkpoint: edit(body.checkpoint) });
      };
    const flipW2 = editCheckpoint((note) => {
      const line = cosigLines(note).find((l) => l.startsWith('\u2014 witness.test/w2'))!;
      const at = line.length - 5;
      const flipped = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
      return note.replace(line, flipped);
    });
    expect(await failureOf(client(1, flipW2).lookup('alice'))).toBe('cosignature_invalid');
    const w1Old = cosigLines(served).find((l) => l.startsWith('\u2014 witness.test/w1'))!;
    await client(2).publish('carol', testKey('carol'));
    const replayed = editCheckpoint((note) =>
      note.replace(cosigLines(note).find((l) => l.startsWith('\u2014 witness.test/w1'))!, w1Old),
    );
    expect(await failureOf(client(1, replayed).lookup('carol'))).toBe('cosignature_invalid');
    // Stripped cosignatures: short of the quorum.
    const stripped = editCheckpoint((note) => note.replace(/\u2014 witness\.test\/w2 .*\n/, ''));
    expect(await failureOf(client(2, stripped).lookup('alice'))).toBe('unverified:witness_quorum');
    expect((await client(1, stripped).lookup('alice')).status).toBe('active');
    // A pinned witness the keyshare never used: no cosignature from it.
    const stranger = keyshare.formatCosignerKey(keyshare.generateCosigner('witness.test/w9'));
    expect(await failureOf(client(1, undefined, [stranger]).lookup('alice'))).toBe(
      'unverified:witness_quorum',
    );

    // Witness 2 stops: new checkpoints carry one cosignature; 2-of-2 clients refuse, 1-of-2 accept.
    const w2Port = Number(new URL(w2.url).port);
    p2.child.kill('SIGTERM');
    expect(await p2.io.exit).toBe(0);
    await client(1).publish('bob', testKey('bob'));
    expect(await failureOf(client(2).lookup('bob'))).toBe('unverified:witness_quorum');
    expect((await client(1).lookup('bob')).status).toBe('active');

    // Witness 2 restarts on the same port and data dir: same key, its state says 2 leaves (alice,
    // carol), and the keyshare's next push brings it to the current size with a proof from there.
    const again = startWitnessProcess(d2, logKey, 'witness.test/w2', w2Port);
    expect((await again.ready).cosignerKey).toBe(w2.cosignerKey);
    const mon = await fetch(`${w2.url}/${originHash('keys.test/log')}/checkpoint`);
    expect(keyshare.parseCheckpoint(keyshare.parseSignedNote(await mon.text()).text).size).toBe(2);
    await client(2).publish('dave', testKey('dave'));
    expect((await client(2).lookup('bob')).status).toBe('active');
    expect(cosigLines(await (await fetch(`${ks.url}/checkpoint`)).text())).toHaveLength(2);
    await ks.close();
    again.child.kill('SIGTERM');
    p1.child.kill('SIGTERM');
    expect(await again.io.exit).toBe(0);
    expect(again.io.out()).toMatch(/"msg":"cosigned"/);
  }, 120_000);

  it('the witnesses never cosign a fork, so quorum clients refuse the forked log', async () => {
    // The log key holder runs a second keyshare with a copy of the log key (a fork).
    const honestDir = tempDir();
    const forkDir = tempDir();
    const { signer } = loadOrCreateLogKey(honestDir, 'keys.test/log');
    copyFileSync(join(honestDir, 'log-key'), join(forkDir, 'log-key'));
    const verifierKey = keyshare.formatVerifierKey(signer);
    const [w1, w2] = await Promise.all([
      startTestWitness({ name: 'witness.test/w1', logs: [verifierKey] }),
      startTestWitness({ name: 'witness.test/w2', logs: [verifierKey] }),
    ]);
    const witnesses = [w1, w2].map((w) => `${w.url},${w.cosignerKey}`);
    const h = await startTestKeyshare({ dataDir: honestDir, witnesses, witnessTimeoutMs: 3000 });
    const f = await startTestKeyshare({ dataDir: forkDir, witnesses, witnessTimeoutMs: 1000 });
    const pin = { keys: [w1.cosignerKey, w2.cosignerKey], quorum: 1 };
    const onHonest = new KeyshareClient({ url: h.url, verifierKey, witnesses: pin });
    await onHonest.publish('alice', testKey('alice'));
    // The fork shows another key for alice; it is validly signed by the log key, but no witness cosigns it.
    const onFork = new KeyshareClient({ url: f.url, verifierKey });
    await onFork.publish('alice', testKey('mallory'));
    const victim = new KeyshareClient({ url: f.url, verifierKey, witnesses: pin });
    expect(await failureOf(victim.lookup('alice'))).toBe('unverified:witness_quorum');
    expect(w1.state.evidence(h.origin).length + w2.state.evidence(h.origin).length).toBeGreaterThan(0);
    expect((await onHonest.lookup('alice')).status).toBe('active');
  }, 60_000);
});
