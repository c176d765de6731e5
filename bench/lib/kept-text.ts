// A generated document with a hand-written part: the generator rewrites everything above KEPT_MARKER and
// keeps everything from it on (docs/hardening.md: `npm run harden` writes the figures table, people write
// the fuzzing and crash-safety sections below it).

export const KEPT_MARKER =
  '<!-- Everything from here on is written by hand: `npm run harden` rewrites only the part above. -->';

/** `generated`, then the kept part of `previous` (from the marker on), or the marker alone if it had none. */
export function withKeptText(generated: string, previous: string): string {
  const at = previous.indexOf(KEPT_MARKER);
  return `${generated.trimEnd()}\n\n${at >= 0 ? previous.slice(at) : `${KEPT_MARKER}\n`}`;
}
