// C2SP tlog-witness add-checkpoint, every status code of the spec, against a real witness (HTTP on
// loopback, SQLite state): it cosigns only provable append-only extensions of what it cosigned last,
// refuses forks (and keeps them as evidence), survives a restart with its state, and its
// cosignatures check out with an independent tlog-cosignature implementation (node:crypto).
import { verify as nodeVerify } from 'node:crypto';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { originHash } from '../src/witness/server.ts';
import { tempDir } from './helpers.ts';
import { independentKey } from './independent-keys.ts';
import { addCheckpoint, MemLog, startTestWitness } from './witness-support.ts';

/** tlog-cosignature §Ed25519, written out from the spec with node:crypto. */
function independentCosigCheck(line: string, cosignerKey: string, text: string): number {
  const { name, keyId: id, nodeKey: key } = independentKey(cosignerKey, 0x04);
  expect(line.startsWith(`\u2014 ${name} `)).toBe(true);
  expect(line.endsWith('\n')).toBe(true);
  const raw = Buffer.from(line.slice(`\u2014 ${name} `.length, -1), 'base64');
  expect(raw.length).toBe(4 + 8 + 64);
  expect(raw.subarray(0, 4).equals(id)).toBe(true);
  const ts = Number(raw.readBigUInt64BE(4));
  const msg = Buffer.from(`cosignature/v1\ntime ${ts}\n${text}`, 'utf8');
  expect(nodeVerify(null, msg, key, raw.subarray(12))).toBe(true);
  expect(nodeVerify(null, Buffer.concat([msg, Buffer.from('x')]), key, raw.subarray(12))).toBe(false);
  return ts;
}

const textOf = (note: string) => keyshare.parseSignedNote(note).text;

describe('witness add-checkpoint (C2SP tlog-witness)', () => {
  it('cosigns extensions, answers 409 with its size, refuses forks with 422; restart keeps the state', async () => {
    const log = new MemLog(keyshare.generateNoteSigner('keys.test/log')).grow(3);
    const dataDir = tempDir();
    const w = await startTestWitness({ dataDir, name: 'witness.test/w1', logs: [log.verifierKey] });
    expect(w.cosignerKey.startsWith('witness.test/w1+')).toBe(true);

    const first = await addCheckpoint(w, log.body(0));
    expect(first.status).toBe(200);
    const t0 = Math.floor(Date.now() / 1000);
    const ts = independentCosigCheck(first.text, w.cosignerKey, textOf(log.checkpoint()));
    expect(Math.abs(ts - t0)).toBeLessThan(60);

    // Old size 0 again: 409, the witness's size, text/x.tlog.size.
    const conflict = await addCheckpoint(w, log.body(0));
    expect(conflict).toEqual({ status: 409, type: 'text/x.tlog.size', text: '3\n' });
    expect((await addCheckpoint(w, log.grow(2).body(2))).status).toBe(409);

    // A proven extension 3 -> 5.
    const ext = await addCheckpoint(w, log.body(3));
    expect(ext.status).toBe(200);
    independentCosigCheck(ext.text, w.cosignerKey, textOf(log.checkpoint()));

    // The log key holder forks after leaf 4: a larger tree whose proof cannot lead from the root at 5.
    const fork = log.fork(4, 'fork').grow(3);
    const forkAttempt = await addCheckpoint(w, fork.body(5));
    expect(forkAttempt.status).toBe(422);
    expect(JSON.parse(forkAttempt.text).error.code).toBe('inconsistent_checkpoint');
    // Same size, another root: 422; same size, same root: cosigned again.
    const sameSizeFork = log.fork(4, 'fork2').grow(1);
    expect((await addCheckpoint(w, sameSizeFork.body(5))).status).toBe(422);
    expect((await addCheckpoint(w, log.body(5))).status).toBe(200);
    // A proof borrowed from the honest tree does not make the fork's checkpoint pass either.
    const honestProof = log.grow(2).tree.consistencyProof(5, 7);
    const proofLines = honestProof.map((h) => `${keyshare.toBase64(h)}\n`).join('');
    const borrowed = `old 5\n${proofLines}\n${fork.checkpoint()}`;
    expect((await addCheckpoint(w, borrowed)).status).toBe(422);
    expect(w.state.evidence('keys.test/log').map((e) => e.reason)).toHaveLength(3);

    // Monitors read the latest cosigned checkpoint (log signature + this witness's cosignature).
    const mon = await fetch(`${w.url}/${originHash('keys.test/log')}/checkpoint`);
    expect(mon.status).toBe(200);
    const served = await mon.text();
    expect(keyshare.parseCheckpoint(textOf(served)).size).toBe(5);
    keyshare.checkWitnessQuorum(served, keyshare.parseWitnessPolicy({ keys: [w.cosignerKey], quorum: 1 }));
    expect((await fetch(`${w.url}/${'0'.repeat(64)}/checkpoint`)).status).toBe(404);

    // Restart on the same data dir: same key, same state (409 says 5), the fork is still refused.
    await w.close();
    const again = await startTestWitness({ dataDir, logs: [log.verifierKey] });
    expect(again.cosignerKey).toBe(w.cosignerKey);
    expect(await addCheckpoint(again, log.body(0))).toMatchObject({ status: 409, text: '5\n' });
    expect((await addCheckpoint(again, fork.body(5))).status).toBe(422);
    expect((await addCheckpoint(again, log.body(5))).status).toBe(200);
    expect(again.state.latest('keys.test/log')?.size).toBe(7);
  }, 60_000);

  it('answers each refusal with the spec status: 400, 403, 404, 413, 422', async () => {
    const log = new MemLog(keyshare.generateNoteSigner('keys.test/a')).grow(4);
    const empty = new MemLog(keyshare.generateNoteSigner('keys.test/b'));
    const w = await startTestWitness({ logs: [log.verifierKey, empty.verifierKey] });
    const status = async (body: string) => (await addCheckpoint(w, body)).status;
    const code = async (body: string) => JSON.parse((await addCheckpoint(w, body)).text).error.code as string;
    const cp = log.checkpoint();

    // Malformed requests: 400.
    for (const body of [
      '',
      cp,
      `old 01\n\n${cp}`,
      `old -1\n\n${cp}`,
      `old 0\nnot-base64\n\n${cp}`,
      `old 0\n${keyshare.toBase64(new Uint8Array(31))}\n\n${cp}`,
      `old 0\n${`${keyshare.toBase64(new Uint8Array(32))}\n`.repeat(64)}\n${cp}`,
      // Validly signed by the log, but not a checkpoint (leading zero in the size).
      `old 0\n\n${keyshare.signNote(textOf(cp).replace('\n4\n', '\n04\n'), [log.signer])}`,
      `old 0\n\nkeys.test/a\n4\n`,
      `OLD 0\n\n${cp}`,
    ]) {
      expect(await status(body), JSON.stringify(body.slice(0, 30))).toBe(400);
    }
    expect(await code(`old 9\n\n${cp}`)).toBe('invalid_request'); // old > size
    // Unknown origin: 404.
    const stranger = new MemLog(keyshare.generateNoteSigner('keys.test/other')).grow(1);
    expect(await status(stranger.body(0))).toBe(404);
    expect(await code(stranger.body(0))).toBe('unknown_log');
    // Known origin, other key / broken signature: 403.
    const impostor = new MemLog(keyshare.generateNoteSigner('keys.test/a')).grow(4);
    expect(await code(impostor.body(0))).toBe('log_signature_invalid');
    const sigAt = cp.lastIndexOf(' ') + 1;
    const broken = `${cp.slice(0, sigAt + 10)}${cp[sigAt + 10] === 'A' ? 'B' : 'A'}${cp.slice(sigAt + 11)}`;
    expect(await code(`old 0\n\n${broken}`)).toBe('log_signature_invalid');
    // 422: a size-0 checkpoint with another root; a proof with old 0.
    const badEmpty = keyshare.signCheckpoint(
      { origin: 'keys.test/b', size: 0, rootHash: new Uint8Array(32) },
      empty.signer,
    );
    expect(await status(`old 0\n\n${badEmpty}`)).toBe(422);
    expect(await status(`old 0\n${keyshare.toBase64(new Uint8Array(32))}\n\n${cp}`)).toBe(422);
    // Nothing was cosigned by any of these.
    expect(w.state.latest('keys.test/a')).toBeNull();
    expect(w.state.latest('keys.test/b')).toBeNull();
    // The empty tree is fine; oversize bodies are 413.
    expect(await status(empty.body(0))).toBe(200);
    expect(await status(`old 0\n\n${'x'.repeat(80 * 1024)}`)).toBe(413);
  }, 60_000);

  it('limits add-checkpoint per IP: 429 rate_limited with Retry-After; monitoring reads are not limited', async () => {
    const log = new MemLog(keyshare.generateNoteSigner('keys.test/rl')).grow(1);
    const w = await startTestWitness({ logs: [log.verifierKey], ratePerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await addCheckpoint(w, log.body(i === 0 ? 0 : 1))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body: log.body(1) });
    expect(res.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    expect(JSON.parse(await res.text()).error.code).toBe('rate_limited');
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${w.url}/${originHash('keys.test/rl')}/checkpoint`)).status).toBe(200);
    }
  });

  it('concurrent add-checkpoint from the same old size: exactly one is cosigned, the rest get 409', async () => {
    const log = new MemLog(keyshare.generateNoteSigner('keys.test/race')).grow(2);
    const w = await startTestWitness({ logs: [log.verifierKey] });
    expect((await addCheckpoint(w, log.body(0))).status).toBe(200);
    log.grow(20);
    // Twenty requests from old 2 to sizes 3..22, sent at once (tlog-witness: the check and the update
    // must be atomic, or a smaller tree could overwrite a larger one).
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => addCheckpoint(w, log.body(2, 3 + i))),
    );
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    const won = answers.indexOf(ok[0]!) + 3;
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a).toMatchObject({ status: 409, text: `${won}\n` });
    }
    expect(w.state.latest('keys.test/race')?.size).toBe(won);
  });
});
