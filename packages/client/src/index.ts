export const placeholder = 'client';

// --- crypto core (issue 4: src/crypto, src/noise, src/cpace, src/identity) ---
export * from './crypto/index.ts';
export * from './noise/index.ts';
