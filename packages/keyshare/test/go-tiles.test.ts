// Interop with an implementation nobody here wrote: test/go/tilereader uses Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's golang-golang-x-mod-dev) to read the real
// keyshare's C2SP tiles over loopback: checkpoint signature, tree hash through TileHashReader (which
// checks every tile it reads), a record proof for an entry from its entry bundle, and a consistency
// proof with an older checkpoint.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { loadOrCreateLogKey } from '../src/keys.ts';
import { waitFor } from './cli-support.ts';
import { buildGoProgram } from './go-support.ts';
import { startTestKeyshare, tempDir } from './helpers.ts';
import { fillClaims } from './tiles-support.ts';
import { startTestWitness } from './witness-support.ts';

const run = promisify(execFile);

interface GoAnswer {
  origin: string;
  size: number;
  root: string;
  index: number;
  entry: string;
  bundle: string;
  consistentWith?: number;
  otherSignatures: number;
}

describe('Go sumdb/tlog reads the keyshare tiles', () => {
  it('verifies checkpoint, tree hash, record proofs and consistency from tiles; a wrong key fails', async () => {
    const bin = buildGoProgram('tilereader');
    // With a witness, so the checkpoint Go reads carries a cosignature line it must ignore.
    const dataDir = tempDir();
    const { signer } = loadOrCreateLogKey(dataDir, 'keys.test/tiles');
    const w = await startTestWitness({ logs: [keyshare.formatVerifierKey(signer)] });
    const ks = await startTestKeyshare({ dataDir, witnesses: [`${w.url},${w.cosignerKey}`] });
    await fillClaims(ks, 40);
    const old = keyshare.openCheckpoint(ks.service.checkpoint(), keyshare.parseVerifierKey(ks.verifierKey));
    await fillClaims(ks, 260, 40);
    // In-process publishes do not wait for the witness: wait for its cosignature here.
    await waitFor(() =>
      ks.service.checkpoint().includes('\u2014 localhost/sealpeer-witness') ? true : undefined,
    );
    const leaves = ks.service.leaves(0, 300).leaves;
    const oldRoot = Buffer.from(old.rootHash).toString('base64');
    let checked = 0;
    for (const index of [0, 39, 255, 256, 299]) {
      const { stdout } = await run(bin, [ks.url, ks.verifierKey, String(index), '40', oldRoot]);
      const a = JSON.parse(stdout) as GoAnswer;
      expect(a).toMatchObject({
        origin: 'keys.test/tiles',
        size: 300,
        index,
        consistentWith: 40,
        otherSignatures: 1,
      });
      expect(a.entry).toBe(leaves[index]);
      expect(a.bundle).toBe(index < 256 ? 'tile/entries/000' : 'tile/entries/001.p/44');
      checked++;
    }
    expect(checked).toBe(5);

    const other = keyshare.formatVerifierKey(keyshare.generateNoteSigner('keys.test/tiles'));
    await expect(run(bin, [ks.url, other, '0'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/checkpoint: /),
    });
    // A wrong old root is not consistent.
    await expect(
      run(bin, [ks.url, ks.verifierKey, '0', '40', Buffer.alloc(32).toString('base64')]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/consistency/),
    });
  }, 120_000);
});
