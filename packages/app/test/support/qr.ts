// Decodes the QR code visible in a page screenshot (PNG), as a camera would: jsQR on the pixels.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export function decodeQrPng(png: Buffer): string {
  const img = PNG.sync.read(png);
  const found = jsQR(
    new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length),
    img.width,
    img.height,
  );
  if (!found) throw new Error('no QR code found in the screenshot');
  return found.data;
}
