// vitest globalSetup: tests spawn the packages' bins (sealpeer, sealpeer-server, sealpeer-keyshare), which
// run the compiled dist/ - compile it first when a source changed since the last build (tsc -b, incremental;
// a few milliseconds when nothing did). The test files themselves import the sources.
import { ensureBuilt } from '../scripts/build.mjs';

export default function setup(): void {
  ensureBuilt();
}
