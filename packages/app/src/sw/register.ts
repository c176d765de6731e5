// Page side of app pinning: registers /sw.js (when the build carries a release key), asks it to compare
// what the server serves with the pinned release, and tells listeners the result.
import { type IntegrityStatus, MSG_TAG, parseStatusMessage } from './protocol.ts';

declare const __SEALPEER_RELEASE_KEY__: string | undefined;

/** The verifier key this build embeds ('' for an unsigned development build). */
export function embeddedReleaseKey(): string {
  return typeof __SEALPEER_RELEASE_KEY__ === 'string' ? __SEALPEER_RELEASE_KEY__ : '';
}

type Listener = (s: IntegrityStatus) => void;

/** Fans the latest status out to listeners; a late listener gets the current status at once. */
export class IntegrityMonitor {
  #status: IntegrityStatus | undefined;
  readonly #listeners = new Set<Listener>();

  get status(): IntegrityStatus | undefined {
    return this.#status;
  }

  subscribe(l: Listener): () => void {
    this.#listeners.add(l);
    if (this.#status) l(this.#status);
    return () => this.#listeners.delete(l);
  }

  set(s: IntegrityStatus): void {
    this.#status = s;
    for (const l of this.#listeners) l(s);
  }
}

/** The app's base URL (where index.html, sw.js and manifest.json live). */
function appBase(): URL {
  const env = (import.meta as { env?: { BASE_URL?: string } }).env;
  return new URL(env?.BASE_URL ?? '/', location.href);
}

function ask(worker: ServiceWorker, timeoutMs: number): Promise<IntegrityStatus> {
  return new Promise((resolve, reject) => {
    const ch = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('the pinning worker did not answer')), timeoutMs);
    ch.port1.onmessage = (e) => {
      clearTimeout(timer);
      const s = parseStatusMessage(e.data);
      if (s) resolve(s);
      else reject(new Error('the pinning worker sent a malformed answer'));
    };
    worker.postMessage({ type: MSG_TAG, op: 'check' }, [ch.port2]);
  });
}

/**
 * Starts pinning and reports into `monitor`: 'unsigned' (no release key in this build), 'unsupported',
 * 'failed' (first visit did not verify), then 'pinned' / 'updated' / 'warning' after each check.
 */
export async function startIntegrity(monitor: IntegrityMonitor, timeoutMs = 60_000): Promise<void> {
  if (!embeddedReleaseKey()) {
    monitor.set({
      state: 'unsigned',
      message: 'Development build: not signed with a release key, not pinned.',
    });
    return;
  }
  const container = navigator.serviceWorker;
  if (!container) {
    monitor.set({
      state: 'unsupported',
      message: 'This browser cannot pin the app (no service workers here).',
    });
    return;
  }
  container.addEventListener('message', (e) => {
    const s = parseStatusMessage(e.data);
    if (s) monitor.set(s);
  });
  const base = appBase();
  let reg: ServiceWorkerRegistration;
  try {
    reg = await container.register(new URL('sw.js', base).href, { scope: base.href, updateViaCache: 'none' });
  } catch (err) {
    monitor.set({ state: 'failed', message: `Could not start app pinning: ${(err as Error).message}` });
    return;
  }
  const check = async (): Promise<void> => {
    const ready = await container.ready;
    if (ready.active) monitor.set(await ask(ready.active, timeoutMs));
  };
  // A new sw.js on the server: the browser installs it whatever it is; re-check so that an unsigned one
  // is reported (the check audits sw.js like every other pinned file).
  reg.addEventListener('updatefound', () => {
    if (reg.active) void check().catch(() => undefined);
  });
  try {
    await check();
  } catch (err) {
    monitor.set({ state: 'failed', message: `App pinning did not answer: ${(err as Error).message}` });
  }
}
