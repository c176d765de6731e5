// The release manifest (manifest.json beside index.html): every file of the built app with its SHA-256,
// and the app version. Byte layout is fixed by serializeManifest so that two builds of the same sources
// write the same bytes. Layout and rules: docs/operators/app-hosting.md, "Release manifest".
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ReleaseError } from './errors.ts';

export const MANIFEST_FORMAT = 'sealpeer-app-manifest/1';
export const MANIFEST_FILE = 'manifest.json';
export const RELEASE_NOTE_FILE = 'release.note';
/** Operator-owned runtime configuration: never part of a release (and never pinned). */
export const RUNTIME_CONFIG_FILE = 'config.json';
/** Files that describe a release rather than belong to it. */
export const UNPINNED_FILES: readonly string[] = [MANIFEST_FILE, RELEASE_NOTE_FILE, RUNTIME_CONFIG_FILE];

export const MAX_MANIFEST_BYTES = 1024 * 1024;
export const MAX_MANIFEST_FILES = 4096;

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: string;
  /** Relative path ('assets/index-abc.js') -> lower-case hex SHA-256 of the file's bytes. */
  readonly files: Readonly<Record<string, string>>;
}

const SEGMENT = /^[A-Za-z0-9_~@-][A-Za-z0-9._~@-]*$/;
const VERSION =
  /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** A manifest path: relative, '/'-separated, no empty, '.' or '..' segments, no leading dot. */
export function isValidAssetPath(path: string): boolean {
  return (
    path.length > 0 && path.length <= 512 && path.split('/').every((s) => SEGMENT.test(s) && s.length <= 255)
  );
}

/** A semantic version `MAJOR.MINOR.PATCH[-prerelease]` (no build metadata). */
export function isValidVersion(v: string): boolean {
  return v.length <= 64 && VERSION.test(v);
}

/** semver 2.0.0 section 11 precedence: negative if a < b, 0 if equal, positive if a > b. */
export function compareVersions(a: string, b: string): number {
  const ma = VERSION.exec(a);
  const mb = VERSION.exec(b);
  if (!ma || !mb) throw new ReleaseError('bad_release', `not a version: ${ma ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  const pa = ma[4]?.split('.');
  const pb = mb[4]?.split('.');
  if (!pa || !pb) return (pa ? -1 : 0) + (pb ? 1 : 0);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** Builds a manifest from the files of a build (paths relative to the app root). */
export function createManifest(version: string, files: ReadonlyMap<string, Uint8Array>): Manifest {
  if (!isValidVersion(version)) throw new ReleaseError('bad_manifest', `invalid version: ${version}`);
  const out: Record<string, string> = Object.create(null);
  for (const path of [...files.keys()].sort()) {
    if (UNPINNED_FILES.includes(path)) continue;
    if (!isValidAssetPath(path)) throw new ReleaseError('bad_manifest', `invalid asset path: ${path}`, path);
    out[path] = sha256Hex(files.get(path)!);
  }
  return { format: MANIFEST_FORMAT, version, files: out };
}

/** The canonical bytes: keys in a fixed order, files sorted by path, 2-space indent, final newline. */
export function serializeManifest(m: Manifest): Uint8Array {
  const files: Record<string, string> = Object.create(null);
  for (const p of Object.keys(m.files).sort()) files[p] = m.files[p]!;
  const json = JSON.stringify({ format: m.format, version: m.version, files }, null, 2);
  return new TextEncoder().encode(`${json}\n`);
}

function fail(msg: string): never {
  throw new ReleaseError('bad_manifest', `manifest.json: ${msg}`);
}

/** Parses and validates untrusted manifest bytes. */
export function parseManifest(bytes: Uint8Array): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES) fail(`larger than ${MAX_MANIFEST_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    fail('not valid UTF-8 JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('expected an object');
  const o = v as Record<string, unknown>;
  if (o.format !== MANIFEST_FORMAT) fail(`format must be "${MANIFEST_FORMAT}"`);
  if (typeof o.version !== 'string' || !isValidVersion(o.version)) fail('version must be MAJOR.MINOR.PATCH');
  const f = o.files;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) fail('files must be an object');
  const entries = Object.entries(f as Record<string, unknown>);
  if (entries.length === 0) fail('files is empty');
  if (entries.length > MAX_MANIFEST_FILES) fail(`more than ${MAX_MANIFEST_FILES} files`);
  const files: Record<string, string> = Object.create(null);
  for (const [path, hash] of entries) {
    if (!isValidAssetPath(path) || UNPINNED_FILES.includes(path))
      fail(`invalid asset path ${JSON.stringify(path)}`);
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) fail(`${path}: hash must be 64 hex digits`);
    files[path] = hash;
  }
  return { format: MANIFEST_FORMAT, version: o.version, files };
}
