// C2SP tlog-tiles §Merkle Tree / §Log entries: tile paths `tile/<L>/<N>[.p/<W>]` and
// `tile/entries/<N>[.p/<W>]`. <N> is written in zero-padded 3-digit elements, all but the last
// prefixed with `x` (1234067 -> x001/x234/067); <L> is 0..63 and <W> 1..255, no leading zeroes.
export const TILE_WIDTH = 256;
/** log2(TILE_WIDTH): a tile is a subtree of height 8. */
export const TILE_HEIGHT = 8;

export interface TileRef {
  /** Level 0..63, or 'entries' for an entry bundle (same indexing as level 0). */
  readonly level: number | 'entries';
  readonly index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  readonly width: number;
}

const DEC = /^(0|[1-9][0-9]*)$/;

/** Parses the part of the URL after `tile/`; null when it is not a well-formed tile path. */
export function parseTilePath(rest: string): TileRef | null {
  const parts = rest.split('/');
  const levelPart = parts.shift();
  if (levelPart === undefined) return null;
  let level: number | 'entries';
  if (levelPart === 'entries') level = 'entries';
  else if (DEC.test(levelPart) && Number(levelPart) <= 63) level = Number(levelPart);
  else return null;
  let width = TILE_WIDTH;
  // A partial tile ends in `.p/<W>`: the last index element carries `.p`, then one more element.
  const pIdx = parts.findIndex((p) => p.endsWith('.p'));
  if (pIdx >= 0) {
    if (pIdx !== parts.length - 2) return null;
    const w = parts.pop()!;
    if (!DEC.test(w) || Number(w) < 1 || Number(w) > 255) return null;
    width = Number(w);
    parts[pIdx] = parts[pIdx]!.slice(0, -2);
  }
  if (parts.length === 0 || parts.length > 6) return null;
  let index = 0;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const m = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(parts[i]!);
    if (!m) return null;
    index = index * 1000 + Number(m[1]);
  }
  if (!Number.isSafeInteger(index)) return null;
  // The canonical encoding is unique: reject any other spelling of the same tile (e.g. x000/001).
  if (formatTilePath({ level, index, width }) !== rest) return null;
  return { level, index, width };
}

export function formatTileIndex(n: number): string {
  let s = String(n % 1000).padStart(3, '0');
  n = Math.floor(n / 1000);
  while (n > 0) {
    s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
    n = Math.floor(n / 1000);
  }
  return s;
}

/** The path after `tile/` of a tile. */
export function formatTilePath(t: TileRef): string {
  const p = `${t.level}/${formatTileIndex(t.index)}`;
  return t.width === TILE_WIDTH ? p : `${p}.p/${t.width}`;
}
