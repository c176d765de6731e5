// The keyshare's pusher against witnesses that answer wrong (a witness is a stranger to the log):
// garbage, a cosignature by another key or over another checkpoint, a 409 without a size or with a
// size beyond the log, a 500, no answer at all. None of it is served; the publish is still answered;
// an honest witness beside it still cosigns.
import { createServer, type Server } from 'node:http';
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey } from '../src/keys.ts';
import { onCleanup, startTestKeyshare, tempDir, testKey } from './helpers.ts';
import { startTestWitness } from './witness-support.ts';

/** A witness's answer to a checkpoint; null: never answer (a hanging witness). */
type Liar = (checkpointText: string, key: keyshare.NoteSigner) => { status: number; body: string } | null;

async function fakeWitness(
  liar: Liar,
  key: keyshare.NoteSigner,
): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      hits++;
      const note = body.slice(body.indexOf('\n\n') + 2);
      const a = liar(keyshare.parseSignedNote(note).text, key);
      if (!a) return;
      res.writeHead(a.status, { 'content-type': a.status === 409 ? 'text/x.tlog.size' : 'text/plain' });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, hits: () => hits };
}

const liars: Record<string, Liar> = {
  garbage: () => ({ status: 200, body: 'hello\n' }),
  'cosignature by another key': (text) => ({
    status: 200,
    body: keyshare.cosign(text, keyshare.generateCosigner('witness.test/liar'), 1_700_000_000),
  }),
  'cosignature over another checkpoint': (text, key) => ({
    status: 200,
    body: keyshare.cosign(text.replace(/\n(\d+)\n/, '\n999\n'), key, 1_700_000_000),
  }),
  '409 without a size': () => ({ status: 409, body: 'conflict\n' }),
  '409 beyond the log': () => ({ status: 409, body: '99999\n' }),
  '500': () => ({ status: 500, body: 'oops' }),
  // Publish answers after --witness-timeout; close() aborts the request (the test would time out).
  'never answers': () => null,
  '422': () => ({ status: 422, body: '{"error":{"code":"inconsistent_checkpoint","message":"no"}}' }),
};

describe('keyshare vs lying witnesses', () => {
  it('serves only verified cosignatures and keeps answering', async () => {
    for (const [what, liar] of Object.entries(liars)) {
      const ksDir = tempDir();
      const logKey = keyshare.formatVerifierKey(loadOrCreateLogKey(ksDir, 'keys.test/log').signer);
      const liarKey = keyshare.generateCosigner('witness.test/liar');
      const fake = await fakeWitness(liar, liarKey);
      const honest = await startTestWitness({ name: 'witness.test/ok', logs: [logKey] });
      const ks = await startTestKeyshare({
        dataDir: ksDir,
        witnesses: [
          `${fake.url},${keyshare.formatCosignerKey(liarKey)}`,
          `${honest.url},${honest.cosignerKey}`,
        ],
        witnessTimeoutMs: 1000,
      });
      const c = new KeyshareClient({
        url: ks.url,
        verifierKey: ks.verifierKey,
        witnesses: { keys: [honest.cosignerKey, keyshare.formatCosignerKey(liarKey)], quorum: 1 },
      });
      const r = await c.publish('alice', testKey('alice'));
      expect(fake.hits(), what).toBeGreaterThan(0);
      const lines = r.checkpoint.note.split('\n').filter((l) => l.startsWith('\u2014 witness.test/'));
      expect(
        lines.map((l) => l.split(' ')[1]),
        what,
      ).toEqual(['witness.test/ok']);
      expect((await fetch(`${ks.url}/healthz`)).status, what).toBe(200);
      await ks.close();
    }
  }, 120_000);

  it('a slow witness: the publish answer lacks its cosignature, the quorum client looks again', async () => {
    const ksDir = tempDir();
    const logKey = keyshare.formatVerifierKey(loadOrCreateLogKey(ksDir, 'keys.test/log').signer);
    const real = await startTestWitness({ name: 'witness.test/slow', logs: [logKey] });
    // A proxy that holds each add-checkpoint for 500 ms before passing it on.
    const proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        setTimeout(async () => {
          const r = await fetch(`${real.url}/add-checkpoint`, { method: 'POST', body });
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
          res.end(await r.text());
        }, 500);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    onCleanup(() => new Promise<void>((r) => proxy.close(() => r())));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const ks = await startTestKeyshare({
      dataDir: ksDir,
      witnesses: [`${proxyUrl},${real.cosignerKey}`],
      witnessTimeoutMs: 100,
    });
    const served = async () => (await fetch(`${ks.url}/checkpoint`)).text();
    expect(await served()).not.toContain('witness.test/slow'); // the start-up push is still in flight
    while (!(await served()).includes('witness.test/slow')) await new Promise((r) => setTimeout(r, 50));
    const c = new KeyshareClient({
      url: ks.url,
      verifierKey: ks.verifierKey,
      witnesses: { keys: [real.cosignerKey], quorum: 1 },
    });
    const r = await c.publish('alice', testKey('alice'));
    expect(r.record.handle).toBe('alice');
    expect(r.checkpoint.note).toContain('\u2014 witness.test/slow ');
  }, 60_000);
});
