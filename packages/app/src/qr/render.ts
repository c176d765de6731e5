// Draws a QR code on a canvas with the `qrcode` library (no hand-rolled encoder, no data: URL, so it needs
// no CSP exception). Medium error correction and a 4-module quiet zone keep it scannable from a screen.
import QRCode from 'qrcode';

export async function drawQr(canvas: HTMLCanvasElement, text: string): Promise<void> {
  await QRCode.toCanvas(canvas, text, { errorCorrectionLevel: 'M', margin: 4, width: 600 });
  // qrcode sizes the element through its style; the stylesheet decides the displayed size instead.
  canvas.style.removeProperty('width');
  canvas.style.removeProperty('height');
}
