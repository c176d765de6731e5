// The app's service worker (bundled to /sw.js by build/sw-bundle.ts). It pins the release the user
// first trusted and serves the app from that copy; a new release is taken only when its signed note
// verifies with the pinned release key, its version is newer and every file matches its manifest.
// Anything else leaves the pinned release running and reports a warning to the open pages.
import {
  assetPath,
  checkUpgrade,
  parseVerifierKey,
  ReleaseError,
  UNPINNED_FILES,
} from '@sealpeer/client/release';
import { dropOldReleases, loadPinned, type PinnedRelease, pinRelease } from './pin-store.ts';
import { type IntegrityStatus, MSG_TAG, parseCheckRequest } from './protocol.ts';
import { auditRelease, downloadRelease, fetchRelease, OfflineError } from './release-fetch.ts';
import { failedStatus, pinnedStatus, updatedStatus, warningStatus } from './status.ts';
import type { SwGlobal } from './worker-env.ts';

declare const __SEALPEER_RELEASE_KEY__: string;

const sw = self as unknown as SwGlobal;
const scope = sw.registration.scope;
let memo: Promise<PinnedRelease | undefined> | undefined;
let last: IntegrityStatus | undefined;
let queue: Promise<unknown> = Promise.resolve();

const pinned = (): Promise<PinnedRelease | undefined> => {
  memo ??= loadPinned(scope);
  return memo;
};

async function broadcast(status: IntegrityStatus): Promise<void> {
  last = status;
  for (const c of await sw.clients.matchAll({ includeUncontrolled: true, type: 'window' }))
    c.postMessage({ type: MSG_TAG, status });
}

/** First visit: verify what the server serves with the key this build embeds, then pin it. */
async function pinFirstRelease(): Promise<void> {
  if (await pinned()) return;
  try {
    const vkey = __SEALPEER_RELEASE_KEY__;
    const rel = await fetchRelease(scope, parseVerifierKey(vkey));
    const p = await pinRelease(scope, rel, vkey, await downloadRelease(scope, rel.manifest));
    memo = Promise.resolve(p);
  } catch (err) {
    await broadcast(failedStatus(err));
    throw err;
  }
}

/** Compares what the server serves now with the pin: same release, signed update, or warning. */
async function check(): Promise<IntegrityStatus> {
  const p = await pinned();
  if (!p) return failedStatus(new Error('nothing is pinned yet'));
  try {
    const rel = await fetchRelease(scope, parseVerifierKey(p.vkey));
    if (!checkUpgrade(p, rel)) {
      await auditRelease(scope, p.files);
      return pinnedStatus(p);
    }
    const next = await pinRelease(scope, rel, p.vkey, await downloadRelease(scope, rel.manifest));
    memo = Promise.resolve(next);
    await dropOldReleases(next.cacheName);
    return updatedStatus(p, next);
  } catch (err) {
    if (err instanceof OfflineError)
      return pinnedStatus(p, 'Could not reach the server to check for updates.');
    if (err instanceof ReleaseError) return warningStatus(p, err);
    throw err;
  }
}

/** Which pinned file answers a request for `path` (navigations: `dir` -> `dir/index.html`, else index.html). */
function pinnedFile(p: PinnedRelease, path: string, navigate: boolean): string | undefined {
  if (p.files[path] !== undefined) return path;
  if (!navigate) return undefined;
  const dir = `${path.replace(/\/index\.html$/, '')}/index.html`;
  if (p.files[dir] !== undefined) return dir;
  // Like the relay server's app fallback: other extension-less app paths get index.html.
  if (!/\.[A-Za-z0-9]+$/.test(path) && p.files['index.html'] !== undefined) return 'index.html';
  return undefined;
}

async function respond(req: Request, path: string): Promise<Response> {
  const p = await pinned();
  const file = p && pinnedFile(p, path, req.mode === 'navigate');
  if (!p || !file) return fetch(req);
  const hit = await (await caches.open(p.cacheName)).match(new URL(file, scope).href);
  return hit ?? fetch(req);
}

sw.addEventListener('install', (e) => {
  e.waitUntil(pinFirstRelease().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      await dropOldReleases((await pinned())?.cacheName);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const path = assetPath(req.url, scope);
  if (path === undefined || path === 'sw.js' || UNPINNED_FILES.includes(path) || path.startsWith('api/'))
    return;
  e.respondWith(respond(req, path));
});

sw.addEventListener('message', (e) => {
  const msg = parseCheckRequest(e.data);
  const port = e.ports[0];
  if (!msg || !port) return;
  const run = async (): Promise<IntegrityStatus> => {
    if (msg.op === 'status' && last) return last;
    const status = await check();
    last = status;
    return status;
  };
  const job = queue.then(run, run).then(
    (status) => port.postMessage({ type: MSG_TAG, status }),
    (err: unknown) => port.postMessage({ type: MSG_TAG, status: failedStatus(err) }),
  );
  queue = job;
  e.waitUntil(job);
});
