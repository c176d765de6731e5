// Chromium's fake camera showing a given picture: the PNG (e.g. a screenshot of the other browser's
// invite QR) becomes a one-frame Y4M video that Chromium plays in a loop as its camera
// (--use-file-for-fake-video-capture), so the app's real camera path (getUserMedia, video frames, QR
// decoding) reads it as it would read a phone's camera pointed at the other screen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { launchChromium } from './chromium.ts';

/**
 * One YUV4MPEG2 frame of `png`: a header line, "FRAME\n", then the Y, U and V planes of 4:2:0 video (U
 * and V at half width and height), BT.601 full range ("C420jpeg"). Odd edges are cropped to even sizes.
 */
export function pngToY4m(png: Buffer): Buffer {
  const img = PNG.sync.read(png);
  const w = img.width & ~1;
  const h = img.height & ~1;
  const px = (x: number, y: number): [number, number, number] => {
    const i = (y * img.width + x) * 4;
    return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
  };
  const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));
  const y = Buffer.alloc(w * h);
  const u = Buffer.alloc((w / 2) * (h / 2));
  const v = Buffer.alloc((w / 2) * (h / 2));
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const [r, g, b] = px(col, row);
      y[row * w + col] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  for (let row = 0; row < h / 2; row++) {
    for (let col = 0; col < w / 2; col++) {
      const [r, g, b] = px(col * 2, row * 2);
      u[row * (w / 2) + col] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[row * (w / 2) + col] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
  return Buffer.concat([header, y, u, v]);
}

export interface CameraChromium {
  browser: Browser;
  /** Closes Chromium and deletes the video file. */
  close(): Promise<void>;
}

/** A Chromium whose (fake) camera shows `png`. */
export async function launchChromiumSeeing(png: Buffer): Promise<CameraChromium> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-camera-'));
  const video = join(dir, 'camera.y4m');
  writeFileSync(video, pngToY4m(png));
  let browser: Browser;
  try {
    browser = await launchChromium([`--use-file-for-fake-video-capture=${video}`]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
