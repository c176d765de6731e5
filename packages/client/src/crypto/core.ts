// Everything of the crypto core (issue 4) in one module, so that src/index.ts re-exports it with one line:
// primitives (./index.ts), Noise, CPace, identity and trust store. Node-only file backends are not here:
// import src/identity/node-file.ts directly from Node code.
export * from '../cpace/index.ts';
export * from '../identity/index.ts';
export * from '../noise/index.ts';
export * from './index.ts';
