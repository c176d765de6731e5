// Node entry of @sealpeer/app: paths of the built bundle. The browser entry is src/main.ts (index.html).
export { appDistDir, appRoot, appViteConfig } from './node/paths.ts';
