export * from './payload.ts';
export * from './qr.ts';
