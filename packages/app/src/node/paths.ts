// Node-only: where the app's sources and built bundle live (used by the server, `npm start` and tests).
// Never imported by the browser bundle.
import { fileURLToPath } from 'node:url';

/** packages/app, the Vite root. */
export const appRoot: string = fileURLToPath(new URL('../..', import.meta.url));
/** packages/app/dist, where `npm run build -w @sealpeer/app` writes the bundle. */
export const appDistDir: string = fileURLToPath(new URL('../../dist', import.meta.url));
/** packages/app/vite.config.ts. */
export const appViteConfig: string = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
