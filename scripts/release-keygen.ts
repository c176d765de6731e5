// Makes an Ed25519 release key for signing app releases (C2SP signed-note key encodings).
//   npx tsx scripts/release-keygen.ts --name sealpeer.example/app --out release.key
// Writes the signer key to <out> (mode 0600; keep it offline) and the verifier key to <out>.pub, and
// prints the verifier key: build the app with SEALPEER_RELEASE_KEY=<that> so browsers pin it.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSignerKey, formatVerifierKey, generateSigner } from '../packages/client/src/release/index.ts';

const HELP = `Usage: npx tsx scripts/release-keygen.ts --name NAME --out FILE [--force]

  --name NAME   key name, e.g. the host that publishes releases (no spaces, no '+')
  --out FILE    where to write the signer (private) key; the verifier key goes to FILE.pub
  --force       overwrite existing files
`;

function main(): number {
  let v: { name?: string; out?: string; force?: boolean; help?: boolean };
  try {
    v = parseArgs({
      options: {
        name: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`release-keygen: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!v.name || !v.out) {
    process.stderr.write(`release-keygen: --name and --out are required\n\n${HELP}`);
    return 2;
  }
  if (!v.force && (existsSync(v.out) || existsSync(`${v.out}.pub`))) {
    process.stderr.write(`release-keygen: ${v.out} exists; pass --force to overwrite it\n`);
    return 2;
  }
  const signer = generateSigner(v.name);
  writeFileSync(v.out, `${formatSignerKey(signer)}\n`, { mode: 0o600 });
  writeFileSync(`${v.out}.pub`, `${formatVerifierKey(signer)}\n`);
  process.stdout.write(`${formatVerifierKey(signer)}\n`);
  return 0;
}

process.exitCode = main();
