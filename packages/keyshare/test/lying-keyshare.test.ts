// A lying keyshare is caught by the client in each case: a wrong key, a bad proof, a checkpoint
// signed by another key, a stale (rolled back) checkpoint, a forked or rewritten history served with
// the real log key, a tampered consistency proof, a record for another handle, a malformed answer.
import { KeyshareClient } from '@sealpeer/client';
import * as keyshare from '@sealpeer/client/keyshare';
import { beforeEach, describe, expect, it } from 'vitest';
import { failureOf, forkedPair, testKey } from './helpers.ts';
import { type LyingDouble, rewriteJson, serveAt, startLyingDouble } from './lying-double.ts';

const reason = failureOf;

async function publishAll(url: string, verifierKey: string, names: string[], keyPrefix = ''): Promise<void> {
  const c = new KeyshareClient({ url, verifierKey });
  for (const n of names) await c.publish(n, testKey(`${keyPrefix}${n}`));
}

async function honestAndFork(): Promise<{ honestUrl: string; forkUrl: string; verifierKey: string }> {
  const { honest, fork, verifierKey } = await forkedPair();
  return { honestUrl: honest.url, forkUrl: fork.url, verifierKey };
}

describe('lying keyshare', () => {
  let env: Awaited<ReturnType<typeof honestAndFork>>;
  let double: LyingDouble;
  let victim: KeyshareClient;

  beforeEach(async () => {
    env = await honestAndFork();
    await publishAll(env.honestUrl, env.verifierKey, ['alice', 'bob', 'carol']);
    double = await startLyingDouble(env.honestUrl);
    victim = new KeyshareClient({ url: double.url, verifierKey: env.verifierKey });
    // The victim has seen the honest log once.
    expect((await victim.lookup('alice')).status).toBe('active');
  });

  it('serves a wrong key (re-signed by the attacker) with the real proof: inclusion_failed', async () => {
    const mallory = testKey('mallory');
    double.lie = rewriteJson('/v1/records/', (b) => {
      const rec = keyshare.recordFromJson(b.record);
      const forged = { ...rec, identityKey: mallory.signer.publicKey, x25519Key: mallory.x25519Key };
      const sig = mallory.signer.sign(keyshare.recordSigningBytes(forged)) as Uint8Array;
      return { ...b, record: keyshare.recordToJson({ ...forged, signature: sig }) };
    });
    expect(await reason(victim.lookup('alice'))).toBe('inclusion_failed');
  });

  it('serves a wrong x25519 key without re-signing: record_invalid', async () => {
    double.lie = rewriteJson('/v1/records/', (b) => ({
      ...b,
      record: { ...(b.record as object), x25519Key: Buffer.alloc(32, 7).toString('base64') },
    }));
    expect(await reason(victim.lookup('alice'))).toBe('record_invalid');
  });

  it('serves a bad inclusion proof (flipped bit, truncated, wrong index): inclusion_failed', async () => {
    const lies = [
      (p: string[]) => {
        const first = Buffer.from(p[0]!, 'base64');
        first[0] = first[0]! ^ 1;
        return [first.toString('base64'), ...p.slice(1)];
      },
      (p: string[]) => p.slice(1),
      (p: string[]) => [...p, p[0]!],
    ];
    for (const lie of lies) {
      double.lie = rewriteJson('/v1/records/', (b) => ({
        ...b,
        inclusionProof: lie(b.inclusionProof as string[]),
      }));
      expect(await reason(victim.lookup('alice'))).toBe('inclusion_failed');
    }
    double.lie = rewriteJson('/v1/records/', (b) => ({ ...b, leafIndex: 1 }));
    expect(await reason(victim.lookup('alice'))).toBe('inclusion_failed');
  });

  it('serves a checkpoint signed by another key of the same name: checkpoint_invalid', async () => {
    const other = keyshare.generateNoteSigner(keyshare.parseVerifierKey(env.verifierKey).name);
    double.lie = rewriteJson('/v1/records/', (b) => {
      const cp = keyshare.parseCheckpoint(keyshare.parseSignedNote(b.checkpoint as string).text);
      return { ...b, checkpoint: keyshare.signCheckpoint(cp, other) };
    });
    expect(await reason(victim.lookup('alice'))).toBe('checkpoint_invalid');
  });

  it('serves an unsigned or mangled checkpoint: checkpoint_invalid', async () => {
    for (const mangle of [
      (n: string) => n.split('\n\n')[0]!,
      (n: string) => n.replace(/\n\u2014 .*\n$/, '\n'),
      (n: string) => n.replace(/^(.*)\n(\d+)\n/, (_m, o, s) => `${o}\n${Number(s) + 1}\n`),
      (n: string) => `other.example/log${n.slice(n.indexOf('\n'))}`,
    ]) {
      double.lie = rewriteJson('/v1/records/', (b) => ({ ...b, checkpoint: mangle(b.checkpoint as string) }));
      expect(await reason(victim.lookup('alice'))).toBe('checkpoint_invalid');
    }
  });

  it('accepts extra signatures from unknown keys (signed-note: ignored), still verifying the log key', async () => {
    const witness = keyshare.generateNoteSigner('witness.example/w1');
    double.lie = rewriteJson('/v1/records/', (b) => {
      const note = b.checkpoint as string;
      const extra = keyshare.signNote(keyshare.parseSignedNote(note).text, [witness]).split('\n\n')[1]!;
      return { ...b, checkpoint: `${note}${extra}` };
    });
    expect((await victim.lookup('alice')).status).toBe('active');
  });

  it('a client pinning another key refuses the real log: checkpoint_invalid', async () => {
    const wrongPin = keyshare.formatVerifierKey(keyshare.generateNoteSigner('localhost/sealpeer-keyshare'));
    const c = new KeyshareClient({ url: env.honestUrl, verifierKey: wrongPin });
    expect(await reason(c.lookup('alice'))).toBe('checkpoint_invalid');
  });

  it('serves a stale checkpoint (an answer captured before later records): checkpoint_rollback', async () => {
    const old = await (await fetch(`${env.honestUrl}/v1/records/alice`)).text();
    await publishAll(env.honestUrl, env.verifierKey, ['dave', 'erin']);
    await victim.lookup('bob'); // victim now holds size 5
    double.lie = serveAt('/v1/records/alice', old);
    expect(await reason(victim.lookup('alice'))).toBe('checkpoint_rollback');
  });

  it('an older answer once (out-of-order delivery) is asked again and accepted (served again, it is a rollback: stale checkpoint case)', async () => {
    const old = await (await fetch(`${env.honestUrl}/v1/records/alice`)).text();
    await publishAll(env.honestUrl, env.verifierKey, ['dave']);
    await victim.lookup('bob'); // victim now holds size 4
    let served = 0;
    const once = serveAt('/v1/records/alice', old);
    double.lie = (req, upstream) =>
      req.path === '/v1/records/alice' && served++ === 0 ? once(req, upstream) : upstream();
    const r = await victim.lookup('alice');
    expect(served).toBe(2);
    expect(r.checkpoint.size).toBe(4);
  });

  it('serves a forked history (same log key, mallory owns alice) of a larger size: consistency_failed', async () => {
    await publishAll(env.forkUrl, env.verifierKey, ['alice', 'bob', 'carol', 'dave'], 'fork-');
    double.upstream = env.forkUrl;
    expect(await reason(victim.lookup('alice'))).toBe('consistency_failed');
  });

  it('serves a forked history of the same size: fork_detected', async () => {
    await publishAll(env.forkUrl, env.verifierKey, ['alice', 'bob', 'carol'], 'fork-');
    double.upstream = env.forkUrl;
    expect(await reason(victim.lookup('alice'))).toBe('fork_detected');
  });

  it('serves a rewritten (shorter) history: checkpoint_rollback', async () => {
    await publishAll(env.forkUrl, env.verifierKey, ['alice'], 'fork-');
    double.upstream = env.forkUrl;
    expect(await reason(victim.lookup('alice'))).toBe('checkpoint_rollback');
  });

  it('serves a tampered consistency proof after the log grew: consistency_failed', async () => {
    await publishAll(env.honestUrl, env.verifierKey, ['dave']);
    double.lie = rewriteJson('/v1/proof/consistency', (b) => ({
      ...b,
      proof: (b.proof as string[]).map(() => Buffer.alloc(32, 1).toString('base64')),
    }));
    expect(await reason(victim.lookup('alice'))).toBe('consistency_failed');
    double.lie = rewriteJson('/v1/proof/consistency', (b) => ({ ...b, proof: [] }));
    expect(await reason(victim.lookup('alice'))).toBe('consistency_failed');
  });

  it("serves another handle's record: handle_mismatch", async () => {
    const bob = await (await fetch(`${env.honestUrl}/v1/records/bob`)).text();
    double.lie = serveAt('/v1/records/alice', bob);
    expect(await reason(victim.lookup('alice'))).toBe('handle_mismatch');
  });

  it('serves malformed answers: response_malformed', async () => {
    for (const body of [
      'not json',
      '[]',
      '{"record":{},"leafIndex":-1,"inclusionProof":[],"checkpoint":""}',
      '{}',
    ]) {
      double.lie = async (req, upstream) =>
        req.path.startsWith('/v1/records/')
          ? { status: 200, contentType: 'application/json', body }
          : upstream();
      expect(await reason(victim.lookup('alice'))).toBe('response_malformed');
    }
  });

  it('the honest log keeps verifying as it grows (control)', async () => {
    await publishAll(env.honestUrl, env.verifierKey, ['dave', 'erin', 'frank']);
    const r = await victim.lookup('erin');
    expect(r.status).toBe('active');
    expect(r.checkpoint.size).toBe(6);
  });
});
