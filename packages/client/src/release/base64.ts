// Strict standard base64 (RFC 4648 section 4, with padding) over atob/btoa, which browsers, service
// workers and Node >= 16 all provide. Rejects non-canonical input so one key has one encoding.
import { ReleaseError, type ReleaseErrorCode } from './errors.ts';

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string, code: ReleaseErrorCode, what: string): Uint8Array {
  if (!B64.test(text)) throw new ReleaseError(code, `${what}: not canonical base64`);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (toBase64(out) !== text) throw new ReleaseError(code, `${what}: not canonical base64`);
  return out;
}
