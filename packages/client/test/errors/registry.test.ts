// The client's one error registry (src/errors/registry.ts) against docs/errors.md, both ways: every
// registered class and code is documented under its module's heading and nothing undocumented is
// registered; every error class in src/ extends CodedError and is registered; reasons are documented.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../test-support/vectors.ts';
import { CpaceError } from '../../src/cpace/errors.ts';
import { CPACE_ERROR_CODES } from '../../src/crypto/error-codes.ts';
import { CodedError, CryptoError } from '../../src/crypto/errors.ts';
import { EnvelopeError, InviteError, RelayError, SessionError } from '../../src/errors/client-errors.ts';
import {
  ConnectError,
  reasonFromByte,
  reasonSide,
  reasonToByte,
  SESSION_REASONS,
  SignalingIntegrityError,
} from '../../src/errors/integrity.ts';
import { CLIENT_ERROR_REGISTRY, registeredError, registryEntry } from '../../src/errors/registry.ts';
import { IdentityError, TrustError } from '../../src/identity/errors.ts';
import {
  KeyshareIntegrityError,
  KeyshareRequestError,
  KeyshareUnverifiedError,
} from '../../src/keyshare/errors.ts';
import { MapProofError } from '../../src/keyshare/map.ts';
import { MerkleProofError } from '../../src/keyshare/merkle.ts';
import { NoteError } from '../../src/keyshare/note.ts';
import { RecordFormatError } from '../../src/keyshare/record.ts';
import { NoiseError } from '../../src/noise/errors.ts';
import { ReleaseError } from '../../src/release/errors.ts';
import { SiteUnreachable } from '../../src/release/site-check.ts';

const doc = readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8');

/** The part of docs/errors.md owned by `name` (from its section marker to the next one). */
function docSection(name: string): string {
  const start = doc.indexOf(`<!-- section: ${name} -->`);
  if (start < 0) throw new Error(`docs/errors.md has no section ${name}`);
  const end = doc.indexOf('<!-- section:', start + 10);
  return doc.slice(start, end < 0 ? undefined : end);
}

interface Table {
  readonly heading: string;
  readonly columns: string[];
  readonly rows: string[][];
}

/** Every Markdown table of a section, with the `### heading` it stands under. */
function tables(section: string): Table[] {
  const out: Table[] = [];
  let heading = '';
  let current: Table | undefined;
  for (const line of section.split('\n')) {
    const cells = /^\|(.*)\|$/
      .exec(line.trim())?.[1]
      ?.split('|')
      .map((c) => c.trim());
    if (line.startsWith('### ')) heading = line.slice(4).trim();
    if (!cells) {
      current = undefined;
    } else if (!current) {
      current = { heading, columns: cells, rows: [] };
      out.push(current);
    } else if (!cells.every((c) => /^-+$/.test(c))) {
      current.rows.push(cells.map((c) => c.replace(/^`(.*)`$/, '$1')));
    }
  }
  return out;
}

const clientTables = tables(docSection('client'));
const codeTables = clientTables.filter((t) => t.columns[0] === 'code' && t.columns[1] === 'class');

/** "Class.code" pairs of the code table under `heading`. */
function documentedPairs(heading: string): string[] {
  const found = codeTables.filter((t) => t.heading === heading);
  expect(found, heading).toHaveLength(1);
  return found[0]!.rows.map(([code, cls]) => `${cls}.${code}`).sort();
}

describe('client error registry vs docs/errors.md §Client', () => {
  it('has one code table per registry group, in the same order', () => {
    expect(codeTables.map((t) => t.heading)).toEqual(CLIENT_ERROR_REGISTRY.map((g) => g.heading));
  });

  it.each(CLIENT_ERROR_REGISTRY.map((g) => [g.heading, g] as const))(
    '%s: documents every registered class and code, and registers every documented one',
    (heading, group) => {
      const registered = group.classes
        .flatMap((c) => Object.keys(c.codes).map((code) => `${c.name}.${code}`))
        .sort();
      expect(registered.length).toBeGreaterThan(0);
      expect(documentedPairs(heading)).toEqual(registered);
    },
  );

  it('counts the registry', () => {
    const classes = CLIENT_ERROR_REGISTRY.flatMap((g) => g.classes);
    const codes = classes.reduce((n, c) => n + Object.keys(c.codes).length, 0);
    const documented = codeTables.reduce((n, t) => n + t.rows.length, 0);
    console.log(
      `client error registry: ${classes.length} classes, ${codes} codes; documented: ${documented}`,
    );
    expect(classes.length).toBeGreaterThanOrEqual(17);
    expect(documented).toBe(codes);
  });

  it('gives every code a one-line meaning and a snake_case name', () => {
    for (const c of CLIENT_ERROR_REGISTRY.flatMap((g) => g.classes))
      for (const [code, meaning] of Object.entries(c.codes)) {
        expect(code, c.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(meaning.trim().length, `${c.name}.${code}`).toBeGreaterThan(10);
        expect(meaning, `${c.name}.${code}`).not.toContain('\n');
      }
  });
});

describe('reasons of the integrity errors', () => {
  /** Where each class with a `reason` documents it: [section, heading, in order?]. */
  const REASON_TABLES: Record<string, [string, string, boolean]> = {
    SignalingIntegrityError: ['client', 'Sealed signaling', true],
    ConnectError: ['client', 'Sealed signaling', true],
    KeyshareIntegrityError: ['keyshare', 'Client: KeyshareIntegrityError reasons', false],
    KeyshareUnverifiedError: ['keyshare', 'Client: KeyshareUnverifiedError reasons', false],
  };
  /** Classes with fewer than the usual (more than 5) reasons: at least this many documented. */
  const FEW_REASONS: Record<string, number> = { KeyshareUnverifiedError: 1 };
  /** The session reason table lists every reason with its side; a class documents the rows of its side. */
  const SIDE_OF: Record<string, string> = { SignalingIntegrityError: 'integrity', ConnectError: 'connect' };

  it('documents the reasons of every class that has them, both ways', () => {
    const withReasons = CLIENT_ERROR_REGISTRY.flatMap((g) => g.classes).filter((c) => c.reasons);
    expect(withReasons.map((c) => c.name).sort()).toEqual(Object.keys(REASON_TABLES).sort());
    for (const c of withReasons) {
      const [section, heading, ordered] = REASON_TABLES[c.name]!;
      const table = tables(docSection(section)).filter(
        (t) => t.heading === heading && t.columns[0] === 'reason',
      );
      expect(table, c.name).toHaveLength(1);
      const side = SIDE_OF[c.name];
      const rows = table[0]!.rows.filter((r) => side === undefined || r[1] === side);
      const documented = rows.map((r) => r[0]!);
      console.log(`${c.name}: ${c.reasons!.length} reasons, documented: ${documented.length}`);
      expect(documented.length).toBeGreaterThanOrEqual(FEW_REASONS[c.name] ?? 6);
      if (ordered) expect(documented).toEqual([...c.reasons!]);
      else expect([...documented].sort()).toEqual([...c.reasons!].sort());
    }
  });

  it('ABORT bytes follow the documented order; unknown bytes read as malformed', () => {
    for (const r of SESSION_REASONS) expect(reasonFromByte(reasonToByte(r))).toBe(r);
    expect(SESSION_REASONS.filter((r) => reasonSide(r) !== 'dropped').length).toBeGreaterThan(15);
    expect(reasonToByte('malformed')).toBe(1);
    expect(reasonFromByte(0)).toBe('malformed');
    expect(reasonFromByte(255)).toBe('malformed');
  });
});

describe('every error class of the client', () => {
  const srcRoot = join(projectRoot, 'packages', 'client', 'src');
  const files = readdirSync(srcRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const sources = files.map((f) => readFileSync(join(srcRoot, f), 'utf8'));
  /** class name -> the class it extends, from the source text. */
  const parent = new Map<string, string>();
  const bodies = new Map<string, string>();
  for (const text of sources)
    for (const m of text.matchAll(/\bclass\s+(\w+)(?:<[^>{]*>)?\s+extends\s+(\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
      expect(parent.has(m[1]!), `class ${m[1]} is declared twice`).toBe(false);
      parent.set(m[1]!, m[2]!);
      bodies.set(m[1]!, m[3]!);
    }
  /** The chain of bases of a class, up to a class that extends nothing declared in src. */
  const ancestry = (name: string): string[] => {
    const chain: string[] = [];
    for (let p = parent.get(name); p !== undefined; p = parent.get(p)) chain.push(p);
    return chain;
  };
  const BUILTIN_ERRORS = new Set(['Error', 'TypeError', 'RangeError']);
  const errorClasses = [...parent.keys()].filter((c) => ancestry(c).some((a) => BUILTIN_ERRORS.has(a)));
  /** The one exception: the CLI's internal usage error, which only becomes exit status 2. */
  const EXEMPT = new Set(['UsageError']);

  it('there is one base, CodedError, declared once', () => {
    const declared = sources.join('\n').match(/\bclass\s+CodedError\b/g) ?? [];
    expect(declared).toHaveLength(1);
    expect(ancestry('CodedError')).toEqual(['Error']);
  });

  it('each extends CodedError, names itself and is registered', () => {
    const classes = errorClasses.filter((c) => c !== 'CodedError' && !EXEMPT.has(c));
    console.log(`error classes in src: ${classes.length} (+ ${EXEMPT.size} exempt)`);
    expect(classes.length).toBeGreaterThanOrEqual(17);
    for (const c of classes) {
      expect(ancestry(c), c).toContain('CodedError');
      expect(bodies.get(c), `${c} sets name`).toMatch(new RegExp(`readonly name = '${c}'`));
      expect(registeredError(c), `${c} is registered`).toBeDefined();
    }
    for (const e of EXEMPT) expect(errorClasses, `exempt ${e} still exists`).toContain(e);
  });

  it('each registered class exists in src, extends CodedError at run time and has its name', () => {
    for (const c of CLIENT_ERROR_REGISTRY.flatMap((g) => g.classes)) {
      expect(errorClasses, c.name).toContain(c.name);
      expect(c.errorClass.name).toBe(c.name);
      expect(c.errorClass.prototype instanceof CodedError, c.name).toBe(true);
    }
  });

  it("a registry table must list exactly the class's codes (tsc checks the @ts-expect-error lines)", () => {
    // @ts-expect-error NoiseError has codes this table misses
    const missing = registryEntry('NoiseError', NoiseError, { bad_key: 'NoiseError: a bad key' });
    // @ts-expect-error `zzz` is no code of CpaceError
    const extra = registryEntry('CpaceError', CpaceError, { ...CPACE_ERROR_CODES, zzz: 'no such code' });
    const exact = registryEntry('CpaceError', CpaceError, CPACE_ERROR_CODES);
    expect(Object.keys(missing.codes)).toEqual(['bad_key']);
    expect(Object.keys(extra.codes)).toContain('zzz');
    expect(exact.codes).toBe(CPACE_ERROR_CODES);
  });

  it('an instance of each names itself and carries a code registered for it', () => {
    const samples: Record<string, () => CodedError<string>> = {
      SignalingIntegrityError: () => new SignalingIntegrityError('replay'),
      ConnectError: () => new ConnectError('timeout'),
      EnvelopeError: () => new EnvelopeError('malformed', 'x'),
      InviteError: () => new InviteError('invite_expired', 'x'),
      RelayError: () => new RelayError('relay_refused', 'x', 'auth_failed'),
      SessionError: () => new SessionError('bad_argument', 'x'),
      CryptoError: () => new CryptoError('bad_length', 'x'),
      NoiseError: () => new NoiseError('bad_state', 'x'),
      CpaceError: () => new CpaceError('invalid_point', 'x'),
      IdentityError: () => new IdentityError('bad_format', 'x'),
      TrustError: () => new TrustError('key_changed', 'x'),
      KeyshareIntegrityError: () => new KeyshareIntegrityError('split_view'),
      KeyshareUnverifiedError: () => new KeyshareUnverifiedError('witness_quorum'),
      KeyshareRequestError: () => new KeyshareRequestError(0, 'network_error', 'x'),
      MerkleProofError: () => new MerkleProofError('root_mismatch', 'x'),
      MapProofError: () => new MapProofError('map_root_mismatch', 'x'),
      NoteError: () => new NoteError('no_trusted_signature', 'x'),
      RecordFormatError: () => new RecordFormatError('x'),
      ReleaseError: () => new ReleaseError('downgrade', 'x'),
      SiteUnreachable: () => new SiteUnreachable('x'),
    };
    const names = CLIENT_ERROR_REGISTRY.flatMap((g) => g.classes.map((c) => c.name));
    expect(Object.keys(samples).sort()).toEqual([...names].sort());
    for (const [name, make] of Object.entries(samples)) {
      const err = make();
      expect(err).toBeInstanceOf(CodedError);
      expect(err.name).toBe(name);
      expect(Object.hasOwn(registeredError(name)!.codes, err.code), `${name}.${err.code}`).toBe(true);
    }
  });
});
