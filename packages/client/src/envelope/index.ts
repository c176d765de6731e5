export { decodeBase64url, encodeBase64url } from './base64url.ts';
export * from './frame.ts';
export * from './inner.ts';
export * from './keys.ts';
export * from './padding.ts';
export * from './seal.ts';
