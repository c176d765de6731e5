// Signs a built app release: checks <dir>/manifest.json against the files, then writes <dir>/release.note.
//   SEALPEER_RELEASE_KEY=$(cat release.key.pub) npm run build -w @sealpeer/app
//   npx tsx scripts/release-sign.ts --key release.key --dir packages/app/dist
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signReleaseDir } from '../packages/app/build/sign.ts';
import { parseSignerKey } from '../packages/client/src/release/index.ts';

const HELP = `Usage: npx tsx scripts/release-sign.ts --key FILE --dir DIR

  --key FILE   signer key from scripts/release-keygen.ts (env SEALPEER_RELEASE_SIGNING_KEY_FILE)
  --dir DIR    the built app (default packages/app/dist)
`;

function main(): number {
  let v: { key?: string; dir?: string; help?: boolean };
  try {
    v = parseArgs({
      options: { key: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    process.stderr.write(`release-sign: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const keyFile = v.key ?? process.env.SEALPEER_RELEASE_SIGNING_KEY_FILE;
  if (!keyFile) {
    process.stderr.write(`release-sign: --key is required\n\n${HELP}`);
    return 2;
  }
  try {
    const signer = parseSignerKey(readFileSync(keyFile, 'utf8'));
    const r = signReleaseDir(v.dir ?? 'packages/app/dist', signer);
    process.stdout.write(`signed release ${r.version} (manifest sha256 ${r.manifestSha256})\n${r.note}`);
    return 0;
  } catch (err) {
    process.stderr.write(`release-sign: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();
