// App integrity API for the UI:
//   const monitor = new IntegrityMonitor();
//   mountIntegrityPanel(document.getElementById('integrity')!, monitor);
//   void startIntegrity(monitor);

export { startAppIntegrity } from './boot.ts';
export { mountIntegrityPanel, renderIntegrity } from './panel.ts';
export type { IntegrityState, IntegrityStatus } from './protocol.ts';
export { embeddedReleaseKey, IntegrityMonitor, startIntegrity } from './register.ts';
export { loadServerOrigin } from './server-origin.ts';
