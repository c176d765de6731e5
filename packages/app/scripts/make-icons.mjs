#!/usr/bin/env node
// Draws the app's PNG icons (public/icons/) from the same shapes as public/favicon.svg: a blue rounded
// square with a white padlock. Run once after changing the design; the PNGs are committed.
//   node packages/app/scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '../public/icons');
const BLUE = [0x1d, 0x5f, 0xbf];
const SS = 4; // supersampling per axis

/** Coverage of the design at (x, y) in the favicon's 32×32 units: 'bg', 'fg' or null. */
function shape(x, y, maskable) {
  // Maskable icons: background to the edges, padlock inside the 80% safe zone.
  const s = maskable ? 0.7 : 1;
  const u = (x - 16) / s + 16;
  const v = (y - 16) / s + 16;
  if (!maskable) {
    const r = 7;
    const cx = Math.min(Math.max(x, r), 32 - r);
    const cy = Math.min(Math.max(y, r), 32 - r);
    if (x < 0 || y < 0 || x > 32 || y > 32 || (x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  }
  // Body: rect 7..25 × 14..26.
  if (u >= 7 && u <= 25 && v >= 14 && v <= 26) return 'fg';
  // Shackle: arc radius 6 at (16, 11), stroke 3, plus the two legs down to y = 14.
  const d = Math.hypot(u - 16, v - 11);
  if (v <= 11 && d >= 4.5 && d <= 7.5) return 'fg';
  if (v > 11 && v <= 14 && ((u >= 8.5 && u <= 11.5) || (u >= 20.5 && u <= 23.5))) return 'fg';
  return 'bg';
}

function draw(size, maskable) {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const k = shape(
            ((px + (sx + 0.5) / SS) * 32) / size,
            ((py + (sy + 0.5) / SS) * 32) / size,
            maskable,
          );
          if (k === 'bg') bg++;
          else if (k === 'fg') fg++;
        }
      const n = SS * SS;
      const a = (bg + fg) / n;
      const i = (py * size + px) * 4;
      const f = bg + fg === 0 ? 0 : fg / (bg + fg);
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(BLUE[c] * (1 - f) + 255 * f);
      png.data[i + 3] = Math.round(a * 255);
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}

mkdirSync(out, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
]) {
  writeFileSync(join(out, name), draw(size, maskable));
  console.log(`${name} ${size}×${size}`);
}
