// Entry point: loads the server config and this device's identity, then renders the screen for the
// current hash route. `/p#<invite>` (the invite landing page) hands its fragment to the invite flow and
// drops it from the address bar and history, so the one-time secret does not linger.
import { loadConfig } from './core/config.ts';
import { type AppContext, describeError } from './core/context.ts';
import type { Engine } from './core/engine-api.ts';
import { homeScreen } from './screens/home.ts';
import { loadServerOrigin, startAppIntegrity } from './sw/index.ts';
import { isNetworkFailure, noConnectionScreen } from './ui/connection.ts';
import { h } from './ui/dom.ts';
import { Layout } from './ui/layout.ts';
import { hashOf, parseHash } from './ui/router.ts';
import type { Screen } from './ui/screen.ts';

function bootError(err: unknown): HTMLElement {
  return h('p', { class: 'error', testid: 'boot-error', attrs: { role: 'alert' } }, describeError(err));
}

async function boot(root: HTMLElement): Promise<void> {
  const layout = new Layout(root);
  // The engine (identity keys, sealed sessions: libsodium, noble) and the screens that use it are a
  // second chunk: its download starts now, in parallel with the config request and the landing screen.
  const routes = import('./routes.ts');
  routes.catch(() => undefined);
  // App pinning (release-signed builds only) and the "version X, release key K" panel.
  startAppIntegrity();
  // Read (and then drop) an invite in the fragment of /p before anything else can observe the URL.
  let pendingInvite: string | undefined;
  if (/^\/p\/?$/.test(location.pathname) && location.hash.length > 1) {
    pendingInvite = location.href;
    history.replaceState(null, '', `/${hashOf('join')}`);
  }
  let ctx: AppContext;
  try {
    const config = await loadConfig(await loadServerOrigin());
    ctx = {
      config,
      alerts: layout.alerts,
      go: (hash) => {
        if (location.hash === hash) render();
        else location.hash = hash;
      },
      openInvite: (uri) => {
        pendingInvite = uri;
        ctx.go(hashOf('join'));
      },
    };
  } catch (err) {
    if (isNetworkFailure(err))
      layout.show(
        '',
        noConnectionScreen(() => location.reload()),
      );
    else layout.show('', bootError(err));
    return;
  }
  // Made once, whatever the first screen is (it also runs the visit's key checks and alerts).
  const engine: Promise<Engine> = routes.then((m) => m.createEngine(ctx.config, layout.alerts));
  // Without an engine nothing works: say why, on whichever screen is up.
  engine.catch((err: unknown) => {
    layout.show('', isNetworkFailure(err) ? noConnectionScreen(() => location.reload()) : bootError(err));
  });
  let current: Screen | undefined;
  let shown = 0;
  function render(): void {
    current?.dispose?.();
    current = undefined;
    const route = parseHash(location.hash);
    const seq = ++shown;
    if (route.name === '') {
      current = { el: homeScreen(ctx) };
      layout.show(route.name, current.el);
      return;
    }
    Promise.all([routes, engine]).then(
      ([m, e]) => {
        if (seq !== shown) return;
        current = m.screenFor(ctx, e, route.name, route.args, () => {
          const uri = pendingInvite;
          pendingInvite = undefined;
          return uri;
        });
        layout.show(route.name, current.el);
      },
      () => undefined, // shown by engine.catch above
    );
  }
  window.addEventListener('hashchange', render);
  render();
}

const root = document.getElementById('app');
if (root) void boot(root);
