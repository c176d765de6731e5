// `sealpeer invite` / `sealpeer join` exchange their keyshare checkpoints in the sealed handshake
// (docs/protocol.md 2.6): a split view between a real keyshare and a fork of it (same log key, same
// origin) ends both runs with exit 3 (integrity_error, keyshareReason split_view) before any `paired`;
// the same log seen by both is cross-checked; a peer that sends none is reported "not cross-checked".
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningKeyshare, startKeyshare } from '@sealpeer/keyshare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.ts';
import { Identity } from '../../src/identity/identity.ts';
import { KeyshareClient } from '../../src/keyshare/client.ts';
import { identityRecordKeys } from '../../src/keyshare/record.ts';
import { runCli } from '../support/cli.ts';
import { useLocalServer } from '../support/server.ts';

const server = useLocalServer();
const dirs: string[] = [];
let honest: RunningKeyshare;
let fork: RunningKeyshare;
/** A fork one record ahead of the honest log: only the side holding its checkpoint can prove the split. */
let bigFork: RunningKeyshare;

async function publish(url: string, verifierKey: string, handles: string[]): Promise<void> {
  const c = new KeyshareClient({ url, verifierKey });
  for (const h of handles) await c.publish(h, identityRecordKeys(Identity.generate()));
}

beforeAll(async () => {
  await ready();
  const root = mkdtempSync(join(tmpdir(), 'sealpeer-cli-ks-'));
  dirs.push(root);
  const quiet = { host: '127.0.0.1', port: 0, logLevel: 'warn' as const };
  honest = await startKeyshare({ ...quiet, dataDir: join(root, 'honest') });
  // The operator runs a second log with a copy of the log key: same origin, same verifier key.
  mkdirSync(join(root, 'fork'));
  copyFileSync(join(root, 'honest', 'log-key'), join(root, 'fork', 'log-key'));
  fork = await startKeyshare({ ...quiet, dataDir: join(root, 'fork') });
  mkdirSync(join(root, 'big-fork'));
  copyFileSync(join(root, 'honest', 'log-key'), join(root, 'big-fork', 'log-key'));
  bigFork = await startKeyshare({ ...quiet, dataDir: join(root, 'big-fork') });
  expect(fork.verifierKey).toBe(honest.verifierKey);
  expect(bigFork.verifierKey).toBe(honest.verifierKey);
  await publish(honest.url, honest.verifierKey, ['alice', 'bob']);
  await publish(fork.url, fork.verifierKey, ['alice', 'mallory']);
  await publish(bigFork.url, bigFork.verifierKey, ['alice', 'mallory', 'eve']);
});

afterAll(async () => {
  await honest?.close();
  await fork?.close();
  await bigFork?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ks = (k: RunningKeyshare) => ['--keyshare', k.url, '--keyshare-key', k.verifierKey];

/** Pairs two CLI runs; a side without --identity among its args uses --ephemeral. */
async function pair(inviterArgs: string[], joinerArgs: string[]) {
  const common = (args: string[]) => [
    '--json',
    '--timeout',
    '20',
    ...(args.includes('--identity') ? [] : ['--ephemeral']),
    ...args,
  ];
  const inviter = runCli(['invite', '--server', server.url, '--send', 'hi', ...common(inviterArgs)]);
  const { uri } = await inviter.event('invite');
  const joiner = runCli(['join', String(uri), '--send', 'hey', ...common(joinerArgs)]);
  return { inviter, joiner };
}

describe('sealpeer CLI keyshare cross-check', () => {
  it('a split view between the two peers: both exit 3 before anything is reported paired', async () => {
    const { inviter, joiner } = await pair(ks(honest), ks(fork));
    const [ei, ej] = await Promise.all([inviter.exit, joiner.exit]);
    expect([ei, ej]).toEqual([3, 3]);
    for (const run of [inviter, joiner]) {
      expect(run.events.some((e) => e.event === 'paired')).toBe(false);
      expect(run.events.some((e) => e.event === 'done')).toBe(false);
    }
    const errors = [inviter, joiner].map((r) => r.events.find((e) => e.event === 'integrity_error'));
    // Each side proves the split itself (same tree size, different roots), or hears the other's sealed
    // ABORT first: an authenticated integrity reason from the peer is a peer_alarm (2.7).
    expect(errors.some((e) => e?.reason === 'checkpoint_rejected' && e.keyshareReason === 'split_view')).toBe(
      true,
    );
    for (const e of errors)
      expect(
        (e?.reason === 'checkpoint_rejected' && e.keyshareReason === 'split_view') ||
          (e?.reason === 'peer_alarm' && e.peerReason === 'checkpoint_rejected'),
        JSON.stringify(e),
      ).toBe(true);
  }, 60_000);

  // Only the side holding the larger fork's checkpoint can prove the split (the honest keyshare has no
  // tree that large to prove consistency to: "not cross-checked" there). docs/protocol.md 2.7: once the
  // scanner's CONFIRM verified the invite is spent, so a split view proven after it is the inviter's
  // verdict too, never a mere `refused` attempt.
  it.each([
    ['inviter', 'joiner'],
    ['joiner', 'inviter'],
  ] as const)(
    'the %s alone proves the split view: it exits 3 with checkpoint_rejected (split_view), never paired; the %s gets peer_alarm (exit 3); the inviter never prints refused',
    async (prover, other) => {
      const { inviter, joiner } =
        prover === 'inviter' ? await pair(ks(bigFork), ks(honest)) : await pair(ks(honest), ks(bigFork));
      const runs = { inviter, joiner };
      const [ei, ej] = await Promise.all([inviter.exit, joiner.exit]);
      expect([ei, ej], JSON.stringify([inviter.events, joiner.events])).toEqual([3, 3]);
      expect(runs[prover].events.find((e) => e.event === 'integrity_error')).toMatchObject({
        reason: 'checkpoint_rejected',
        keyshareReason: 'split_view',
      });
      expect(runs[prover].events.some((e) => e.event === 'paired')).toBe(false);
      expect(runs[other].events.find((e) => e.event === 'integrity_error')).toMatchObject({
        reason: 'peer_alarm',
        peerReason: 'checkpoint_rejected',
      });
      expect(runs[other].events.some((e) => e.event === 'done')).toBe(false);
      expect(inviter.events.some((e) => e.event === 'refused')).toBe(false);
    },
    60_000,
  );

  it('the same log on both sides is cross-checked; a peer without a checkpoint is "not cross-checked"', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sealpeer-cli-state-'));
    dirs.push(home);
    const both = await pair([...ks(honest), '--identity', join(home, 'identity.json')], ks(honest));
    const [pi, pj] = await Promise.all([both.inviter.event('paired'), both.joiner.event('paired')]);
    for (const p of [pi, pj])
      expect(p.crossCheck).toEqual({
        status: 'cross_checked',
        logs: [{ log: honest.verifierKey, origin: expect.any(String), status: 'same' }],
      });
    expect(await both.inviter.exit, JSON.stringify(both.inviter.events) + both.inviter.stderr()).toBe(0);
    expect(await both.joiner.exit, JSON.stringify(both.joiner.events) + both.joiner.stderr()).toBe(0);
    // The verified checkpoint is kept beside the identity, in the slot of the log's verifier key.
    const state = JSON.parse(readFileSync(join(home, 'keyshare-state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(state)).toEqual([honest.verifierKey]);

    const one = await pair(ks(honest), []);
    const [qi, qj] = await Promise.all([one.inviter.event('paired'), one.joiner.event('paired')]);
    expect(qi.crossCheck).toEqual({
      status: 'not_cross_checked',
      logs: [
        {
          log: honest.verifierKey,
          origin: expect.any(String),
          status: 'not_cross_checked',
          why: 'peer_sent_none',
        },
      ],
    });
    expect(qj.crossCheck).toEqual({ status: 'nothing_to_check', logs: [] });
    expect(await one.inviter.exit).toBe(0);
    expect(await one.joiner.exit).toBe(0);
  }, 60_000);

  it('a keyshare that contradicts the checkpoint kept from an earlier run: exit 3 before connecting', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sealpeer-cli-state-'));
    dirs.push(home);
    // The state file holds what an earlier run verified on the fork; now the same key's log differs.
    const seen = await new KeyshareClient({ url: fork.url, verifierKey: fork.verifierKey }).checkpoint();
    const stateFile = join(home, 'keyshare-state.json');
    writeFileSync(stateFile, JSON.stringify({ [fork.verifierKey]: { note: seen.note } }));
    const run = runCli([
      'invite',
      '--server',
      server.url,
      '--json',
      '--ephemeral',
      ...ks(honest),
      '--keyshare-state',
      stateFile,
    ]);
    expect(await run.exit).toBe(3);
    expect(run.events.find((e) => e.event === 'integrity_error')).toMatchObject({
      reason: 'keyshare_integrity',
      keyshareReason: 'fork_detected',
    });
    expect(run.events.some((e) => e.event === 'invite')).toBe(false);
  }, 60_000);

  it('refuses a --keyshare without its key, and a key that is not a verifier key (exit 2)', async () => {
    const a = runCli(['join', 'http://x/p#AA', '--keyshare', honest.url]);
    const b = runCli(['join', 'http://x/p#AA', '--keyshare', honest.url, '--keyshare-key', 'nope']);
    expect(await a.exit).toBe(2);
    expect(a.stderr()).toMatch(/--keyshare-key/);
    expect(await b.exit).toBe(2);
    expect(b.stderr()).toMatch(/verifier key/);
  }, 60_000);
});
