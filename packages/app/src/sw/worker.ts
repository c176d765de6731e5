// The app's service worker (bundled to /sw.js by build/sw-bundle.ts). It pins the release the user
// first trusted and serves the app from that copy; a new release is taken only when its signed note
// verifies with the release key compiled into this file, its version is newer and every file matches
// its manifest. Anything else leaves the pinned release running and reports a warning to the open pages.
// No side door (docs/operators/app-hosting.md, "Pinning in the browser"): every navigation in scope gets
// a page of the pinned release (a path the manifest does not list gets the pinned index.html), a script,
// style or HTML file the manifest does not list is refused, and the key comes from this code, never from
// storage a page can write.
import {
  assetPath,
  checkUpgrade,
  parseVerifierKey,
  ReleaseError,
  sha256Hex,
  UNPINNED_FILES,
} from '@sealpeer/client/release';
import { dropOldReleases, loadPinned, type PinnedRelease, pinnedResponse, pinRelease } from './pin-store.ts';
import { type IntegrityStatus, MSG_TAG, parseCheckRequest } from './protocol.ts';
import { auditRelease, downloadRelease, fetchFile, fetchRelease, OfflineError } from './release-fetch.ts';
import { failedStatus, pinnedStatus, updatedStatus, warningStatus } from './status.ts';
import type { SwGlobal } from './worker-env.ts';

declare const __SEALPEER_RELEASE_KEY__: string;

const sw = self as unknown as SwGlobal;
const scope = sw.registration.scope;
/** The one release key this worker trusts: compiled in by build/sw-bundle.ts. */
const releaseKey = parseVerifierKey(__SEALPEER_RELEASE_KEY__);
let memo: Promise<PinnedRelease | undefined> | undefined;
let pinning: Promise<PinnedRelease> | undefined;
let last: IntegrityStatus | undefined;
let queue: Promise<unknown> = Promise.resolve();

const pinned = (): Promise<PinnedRelease | undefined> => {
  memo ??= loadPinned(scope, releaseKey);
  return memo;
};

async function broadcast(status: IntegrityStatus): Promise<void> {
  last = status;
  for (const c of await sw.clients.matchAll({ includeUncontrolled: true, type: 'window' }))
    c.postMessage({ type: MSG_TAG, status });
}

/**
 * Nothing pinned (first visit, or a page deleted the pinned caches): verify what the server serves with
 * the compiled-in key, then pin it. One attempt at a time.
 */
function pinFromServer(): Promise<PinnedRelease> {
  pinning ??= (async () => {
    try {
      const { rel, signed } = await fetchRelease(scope, releaseKey);
      const p = await pinRelease(scope, rel, signed, await downloadRelease(scope, rel.manifest));
      memo = Promise.resolve(p);
      return p;
    } finally {
      pinning = undefined;
    }
  })();
  return pinning;
}

async function pinFirstRelease(): Promise<void> {
  if (await pinned()) return;
  try {
    await pinFromServer();
  } catch (err) {
    await broadcast(failedStatus(err));
    throw err;
  }
}

/** Compares what the server serves now with the pin: same release, signed update, or warning. */
async function check(): Promise<IntegrityStatus> {
  const p = await pinned();
  if (!p) {
    try {
      return pinnedStatus(await pinFromServer());
    } catch (err) {
      return failedStatus(err);
    }
  }
  try {
    const { rel, signed } = await fetchRelease(scope, releaseKey);
    if (!checkUpgrade(p, rel)) {
      await auditRelease(scope, p.files);
      return pinnedStatus(p);
    }
    const next = await pinRelease(scope, rel, signed, await downloadRelease(scope, rel.manifest));
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

/** The pinned page answering a navigation to `path`: itself, `path/index.html`, else index.html. */
function pageFor(p: PinnedRelease, path: string): string {
  if (p.files[path] !== undefined) return path;
  if (p.files[`${path}/index.html`] !== undefined) return `${path}/index.html`;
  return 'index.html';
}

/** Request kinds that run code or render markup in the origin: only pinned files may answer them. */
const ACTIVE_DESTINATIONS: readonly string[] = [
  'script',
  'style',
  'worker',
  'sharedworker',
  'serviceworker',
  'audioworklet',
  'paintworklet',
  'xslt',
  'document',
  'iframe',
  'frame',
  'object',
  'embed',
];
const ACTIVE_EXTENSION = /\.(?:m?js|cjs|css|html?|xht(?:ml)?|wasm)$/i;

/** A refusal the browser can neither run nor render (text, nosniff, sandboxed). */
function refusal(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'no-store',
    },
  });
}

/**
 * The pinned copy of `path`. If the cache lost it or holds other bytes (pages can write the Cache API),
 * the server's copy is taken instead only when it matches the pinned manifest, and is cached again.
 */
async function pinnedFile(p: PinnedRelease, path: string): Promise<Response | undefined> {
  const hit = await pinnedResponse(scope, p, path);
  if (hit) return hit;
  try {
    const { bytes, res } = await fetchFile(scope, path);
    if (sha256Hex(bytes) !== p.files[path]) return undefined;
    const fresh = new Response(bytes, { status: 200, statusText: 'OK', headers: res.headers });
    await (await caches.open(p.cacheName)).put(new URL(path, scope).href, fresh.clone());
    return fresh;
  } catch {
    return undefined;
  }
}

async function navigate(path: string): Promise<Response> {
  let p = await pinned();
  if (!p) p = await pinFromServer().catch(() => undefined);
  const res = p && (await pinnedFile(p, pageFor(p, path)));
  return (
    res ??
    refusal(
      503,
      'sealpeer: the pinned copy of this app is missing or was modified in this browser, and the server ' +
        'does not serve a release signed by the pinned release key. Nothing from this server was run.',
    )
  );
}

async function respond(req: Request, path: string): Promise<Response> {
  if (req.mode === 'navigate') return navigate(path);
  const p = await pinned();
  if (p && p.files[path] !== undefined)
    return (
      (await pinnedFile(p, path)) ??
      refusal(
        503,
        `sealpeer: the pinned copy of ${path} is missing or was modified in this browser, and the ` +
          "server's copy is not the pinned one; refused.",
      )
    );
  if (ACTIVE_DESTINATIONS.includes(req.destination) || ACTIVE_EXTENSION.test(path))
    return refusal(403, `sealpeer: ${path} is not part of the pinned release; refused.`);
  return fetch(req);
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
  const path = assetPath(req.url, scope);
  if (path === undefined) return; // another origin (the relay's API, a keyshare): not ours to pin
  // Every navigation in scope, whatever its method or path (api/, config.json, …): a pinned page.
  if (req.mode !== 'navigate') {
    if (req.method !== 'GET') return;
    // Data that is never part of a release (the API, config.json, the signed note and manifest) goes
    // to the network, unless it is asked for as code or markup.
    const active = ACTIVE_DESTINATIONS.includes(req.destination) || ACTIVE_EXTENSION.test(path);
    if (!active && (path.startsWith('api/') || UNPINNED_FILES.includes(path))) return;
  }
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
