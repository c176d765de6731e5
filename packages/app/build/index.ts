// Build-time tooling of the app (imported by vite.config.ts and the tests; never shipped to browsers).
export { addSri } from './html-sri.ts';
export { type SealpeerReleaseOptions, sealpeerRelease } from './release-plugin.ts';
