// The release statement: the text of the signed note (release.note) that binds a version to the exact
// bytes of manifest.json. Three lines, each required, in this order:
//
//   sealpeer-app release
//   version <MAJOR.MINOR.PATCH[-pre]>
//   manifest-sha256 <64 lower-case hex digits: SHA-256 of manifest.json>
//
// Layout documented in docs/operators/app-hosting.md, "Signed release note".
import { ReleaseError } from './errors.ts';
import { isValidVersion } from './manifest.ts';

export const RELEASE_HEADER = 'sealpeer-app release';

export interface ReleaseStatement {
  readonly version: string;
  readonly manifestSha256: string;
}

export function formatStatement(s: ReleaseStatement): string {
  if (!isValidVersion(s.version)) throw new ReleaseError('bad_release', `invalid version: ${s.version}`);
  if (!/^[0-9a-f]{64}$/.test(s.manifestSha256))
    throw new ReleaseError('bad_release', 'invalid manifest hash');
  return `${RELEASE_HEADER}\nversion ${s.version}\nmanifest-sha256 ${s.manifestSha256}\n`;
}

/** Parses the (already signature-checked) note text; anything but the exact layout is refused. */
export function parseStatement(text: string): ReleaseStatement {
  const m = /^sealpeer-app release\nversion (\S+)\nmanifest-sha256 ([0-9a-f]{64})\n$/.exec(text);
  if (!m || !isValidVersion(m[1]!))
    throw new ReleaseError('bad_release', 'release note text is not a sealpeer-app release statement');
  return { version: m[1]!, manifestSha256: m[2]! };
}
