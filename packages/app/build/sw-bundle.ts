// Bundles the service worker (src/sw/worker.ts) into one classic script, sw.js, served at the app root
// so its scope covers the whole app (CSP: worker-src 'self'). esbuild output is deterministic for the
// same input; minified with no comments, so no build path ends up in the file.
import { build } from 'esbuild';

export async function bundleServiceWorker(
  root: string,
  entry: string,
  releaseKey: string,
): Promise<Uint8Array> {
  const out = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // The workspace's @sealpeer/client sources, not its compiled dist/ (which may be absent or stale).
    conditions: ['@sealpeer/source'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: false,
    logLevel: 'silent',
    define: { __SEALPEER_RELEASE_KEY__: JSON.stringify(releaseKey) },
  });
  const file = out.outputFiles[0];
  if (!file || out.outputFiles.length !== 1)
    throw new Error('service worker bundle: expected one output file');
  return file.contents;
}
