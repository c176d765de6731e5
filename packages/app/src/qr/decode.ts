// Reading QR codes: the platform's BarcodeDetector when it exists, else the bundled jsQR decoder on the
// pixels of a video frame or a chosen image file. The decoded text is untrusted: callers parse it as an
// invite and refuse anything else.
import jsQR from 'jsqr';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource | ImageBitmap): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorCtor {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?(): Promise<string[]>;
}

/** The platform's QR detector, when the browser has one that reads QR codes. */
export async function platformDetector(): Promise<BarcodeDetectorLike | undefined> {
  const Ctor = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  if (!Ctor) return undefined;
  try {
    const formats = (await Ctor.getSupportedFormats?.()) ?? ['qr_code'];
    return formats.includes('qr_code') ? new Ctor({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a QR code from raw RGBA pixels with jsQR; undefined when there is none. */
export function decodePixels(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  const found = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  return found?.data || undefined;
}

const MAX_SIDE = 1600;

/** Draws `source` (scaled down to at most MAX_SIDE) and decodes it with jsQR. */
export function decodeDrawable(source: CanvasImageSource, width: number, height: number): string | undefined {
  if (width === 0 || height === 0) return undefined;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.round(width * scale);
  const hgt = Math.round(height * scale);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = hgt;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return undefined;
  ctx.drawImage(source, 0, 0, w, hgt);
  return decodePixels(ctx.getImageData(0, 0, w, hgt).data, w, hgt);
}

/** Decodes the QR code in an image file the user chose; undefined when the image has none. */
export async function decodeImageFile(file: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    const detector = await platformDetector();
    if (detector) {
      const found = await detector.detect(bitmap).catch(() => []);
      if (found[0]?.rawValue) return found[0].rawValue;
    }
    return decodeDrawable(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Decodes one frame of a playing video; undefined when the frame has no QR code. */
export async function decodeVideoFrame(
  video: HTMLVideoElement,
  detector: BarcodeDetectorLike | undefined,
): Promise<string | undefined> {
  if (video.readyState < 2) return undefined;
  if (detector) {
    const found = await detector.detect(video).catch(() => []);
    return found[0]?.rawValue || undefined;
  }
  return decodeDrawable(video, video.videoWidth, video.videoHeight);
}
