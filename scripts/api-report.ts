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
  ];
  for (const [name, file] of entries) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`cannot read the exports of ${file}`);
    const exports = checker
      .getExportsOfModule(symbol)
      .map((s) => [s.getName(), kindOf(s, checker)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push(`## \`${name}\``, '', `${exports.length} names.`, '', '| name | kind |', '| --- | --- |');
    for (const [n, k] of exports) out.push(`| \`${n}\` | ${k} |`);
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(REPORT, apiReport());
  console.log(`wrote ${REPORT}`);
}
