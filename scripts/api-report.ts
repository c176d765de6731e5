// The public API of @sealpeer/client, listed from its types: every name each entry point of the
// package's "exports" map makes importable, with its kind. Written to docs/api/client.md;
// packages/client/test/api-report.test.ts fails when the file and the code disagree.
//   npm run api-report          # rewrite docs/api/client.md
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = join(root, 'packages/client');
export const REPORT = join(root, 'docs/api/client.md');

function kindOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = s.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) return 'namespace';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

/** What each entry point is for; an entry point without a line here fails the report (and its test). */
const PURPOSE: Record<string, string> = {
  '@sealpeer/client':
    'What an application needs: `SealpeerClient`, `Identity` and its stores, safety numbers and the trust store, invites (URI, QR), sessions and their WebRTC glue, saved contacts, the keyshare client, and the errors all of them throw. Importing it waits for libsodium (no `ready()` call). Browser-safe.',
  '@sealpeer/client/node':
    'Node-only storage backends (node:fs): `FileIdentityStore`, `FileTrustStorage`, `jsonFileStateStore` for the keyshare client.',
  '@sealpeer/client/crypto':
    'Primitives and their readiness: libsodium wrappers (`ready()`, X25519, Ed25519, AEADs), hashes, HKDF/HMAC, byte helpers, the error-code lists.',
  '@sealpeer/client/noise':
    'The Noise Protocol Framework (revision 34) state machines: `HandshakeState`, `CipherState`, patterns.',
  '@sealpeer/client/cpace':
    'CPace (draft-irtf-cfrg-cpace) over ristretto255, with its encodings: the short-code pairing PAKE.',
  '@sealpeer/client/identity':
    'Identity details: fingerprint and safety-number internals, the 65-byte public identity encoding, the trust store and its storages.',
  '@sealpeer/client/envelope':
    'Sealed envelopes (docs/protocol.md Part 2): frames, inner messages, padding, seal/open.',
  '@sealpeer/client/pairing':
    'Pairing paths as messages: invite, short code, known peer, contact rendezvous and requests.',
  '@sealpeer/client/relay':
    'The relay connection under the client: WebSocket frames, channel and credential HTTP calls, reconnecting link.',
  '@sealpeer/client/keyshare':
    'Keyshare formats and proofs: records, signed notes and checkpoints, RFC 6962 inclusion/consistency, the verifiable map, witnesses, tiles.',
  '@sealpeer/client/release':
    'Signed app releases: manifests, release notes, SRI, the site check behind `sealpeer verify-app`.',
  '@sealpeer/client/http-guard':
    'Slow-client defences for a Node HTTP listener, shared by the server, the keyshare and the witness.',
};

/** The entry points of the package: subpath -> source file, from package.json "exports". */
function entryPoints(): Array<[string, string]> {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  // Each entry's TypeScript source is its `@sealpeer/source` condition ("./package.json" is no module).
  return Object.entries(pkg.exports).flatMap(([sub, target]): Array<[string, string]> => {
    const file = typeof target === 'string' ? undefined : target['@sealpeer/source'];
    if (file === undefined) return [];
    return [[sub === '.' ? '@sealpeer/client' : `@sealpeer/client/${sub.slice(2)}`, join(pkgDir, file)]];
  });
}

export function apiReport(): string {
  const entries = entryPoints();
  const program = ts.createProgram(
    entries.map(([, f]) => f),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const out = [
    '# @sealpeer/client: public API',
    '',
    'Generated from the types by `npm run api-report` (scripts/api-report.ts); the test',
    '`packages/client/test/api-report.test.ts` fails when this file and the code disagree, so any change',
    'to what the package exports shows up here in review. One section per entry point of the',
    "package's `exports` map.",
    '',
    'The package root is the application API. The subpaths are the protocol building blocks, for',
    'tests, interop tools and other implementations; they follow the package version like the root.',
    'Each entry point resolves to compiled JavaScript in `dist/` (with `.d.ts` and source maps); inside',
    'this repository the `@sealpeer/source` export condition maps it to the TypeScript source instead.',
    '',
    '| entry point | names | what |',
    '| --- | --- | --- |',
  ];
  const sections: string[] = [];
  for (const [name, file] of entries) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`cannot read the exports of ${file}`);
    const exports = checker
      .getExportsOfModule(symbol)
      .map((s) => [s.getName(), kindOf(s, checker)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const purpose = PURPOSE[name];
    if (!purpose) throw new Error(`scripts/api-report.ts: describe the entry point ${name} in PURPOSE`);
    out.push(`| \`${name}\` | ${exports.length} | ${purpose} |`);
    sections.push(
      `## \`${name}\``,
      '',
      purpose,
      '',
      `${exports.length} names.`,
      '',
      '| name | kind |',
      '| --- | --- |',
    );
    for (const [n, k] of exports) sections.push(`| \`${n}\` | ${k} |`);
    sections.push('');
  }
  return [...out, '', ...sections].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(REPORT, apiReport());
  console.log(`wrote ${REPORT}`);
}
