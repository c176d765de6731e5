// Signing a built release directory (Node only): checks that manifest.json describes exactly the files
// in the directory, that sw.js embeds the signer's key, then writes release.note (a C2SP signed note
// over the release statement). Used by scripts/release-sign.ts and the tests.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatStatement,
  formatVerifierKey,
  MANIFEST_FILE,
  type NoteSigner,
  parseManifest,
  RELEASE_NOTE_FILE,
  sha256Hex,
  signNote,
  UNPINNED_FILES,
} from '../../client/src/release/index.ts';

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

export interface SignedRelease {
  version: string;
  manifestSha256: string;
  note: string;
}

/** Verifies `dir` against its manifest and writes `dir/release.note`; throws naming the first problem. */
export function signReleaseDir(dir: string, signer: NoteSigner): SignedRelease {
  const manifestBytes = readFileSync(join(dir, MANIFEST_FILE));
  const manifest = parseManifest(manifestBytes);
  const onDisk = listFiles(dir).filter((f) => !UNPINNED_FILES.includes(f));
  for (const f of onDisk)
    if (manifest.files[f] === undefined) throw new Error(`${f} is in ${dir} but not in the manifest`);
  for (const [f, h] of Object.entries(manifest.files)) {
    if (!onDisk.includes(f)) throw new Error(`${f} is in the manifest but missing from ${dir}`);
    if (sha256Hex(readFileSync(join(dir, f))) !== h) throw new Error(`${f} does not match the manifest`);
  }
  const vkey = formatVerifierKey(signer);
  if (manifest.files['sw.js'] !== undefined && !readFileSync(join(dir, 'sw.js'), 'utf8').includes(vkey))
    throw new Error(`sw.js does not embed ${vkey}: build with SEALPEER_RELEASE_KEY set to this key`);
  const manifestSha256 = sha256Hex(manifestBytes);
  const note = signNote(formatStatement({ version: manifest.version, manifestSha256 }), signer);
  writeFileSync(join(dir, RELEASE_NOTE_FILE), note);
  return { version: manifest.version, manifestSha256, note };
}
