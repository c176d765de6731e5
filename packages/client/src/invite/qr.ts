// QR rendering of invite URIs with the `qrcode` package (no hand-rolled encoder). Works in browsers and
// Node; PNG bytes for files are produced by the CLI (Node-only toBuffer).
import QRCode from 'qrcode';

/** SVG markup of the QR code. */
export function inviteQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** Terminal rendering (UTF-8 half blocks). */
export function inviteQrTerminal(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

/** PNG as a data: URL (browser <img src>, or decode in tests). */
export function inviteQrPngDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}
