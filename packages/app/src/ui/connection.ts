// "No connection": the app needs the network to reach the relay. When the browser is offline (or the
// first request to the server fails for lack of network) the page says so in plain words, instead of a
// blank page or a raw "Failed to fetch", and starts again by itself once the network is back.
import { h } from './dom.ts';

const OFFLINE_TEXT =
  'No connection. sealpeer needs the network to reach its relay; it starts again by itself when you are back online.';

/** A status line shown at the top of every screen while the browser reports being offline. */
export function connectionBanner(): HTMLElement {
  const el = h(
    'p',
    { class: 'offline-banner hidden', testid: 'offline-banner', attrs: { role: 'status' } },
    OFFLINE_TEXT,
  );
  const update = (): void => {
    el.classList.toggle('hidden', navigator.onLine);
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
  return el;
}

/** True when `err` (from the first request to the server) means "no network" rather than a server
 *  answer: the browser is offline, or fetch itself failed (core/http.ts's ApiError code 'network'). */
export function isNetworkFailure(err: unknown): boolean {
  return !navigator.onLine || (err instanceof Error && (err as { code?: unknown }).code === 'network');
}

/** The screen shown when the app could not start for lack of network; retries when back online. */
export function noConnectionScreen(retry: () => void): HTMLElement {
  window.addEventListener('online', retry, { once: true });
  return h(
    'section',
    { class: 'card', testid: 'no-connection', attrs: { role: 'alert' } },
    h('h2', {}, 'No connection'),
    h(
      'p',
      {},
      navigator.onLine
        ? 'The sealpeer server did not answer. Check that it is running and that this device is on the same network, then try again.'
        : 'This device is offline. sealpeer needs the network to reach its relay: it starts again by itself when you are back online.',
    ),
    h('button', { testid: 'retry', on: { click: retry } }, 'Try again'),
  );
}
