export * from './certificates.ts';
export * from './connect.ts';
export * from './early.ts';
export * from './fingerprint.ts';
export * from './relay-only.ts';
export * from './signals.ts';
