// `@sealpeer/client/node`: the Node-only storage backends of the application API (node:fs), kept off the
// package root so that it stays browser-safe: identity and trust store files, the keyshare client's state.
export { FileIdentityStore, FileTrustStorage } from './identity/node-file.ts';
export { jsonFileStateStore } from './keyshare/node-file-state.ts';
