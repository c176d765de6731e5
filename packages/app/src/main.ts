// Entry point: loads the server config, then renders the screen for the current hash route.
// `/p#<invite>` (the invite landing page) hands its fragment to the invite flow and then drops it from
// the address bar and history, so the one-time secret does not linger.
import { loadConfig } from './core/config.ts';
import { type AppContext, describeError } from './core/context.ts';
import { homeScreen } from './screens/home.ts';
import { scanScreen } from './screens/scan.ts';
import { h } from './ui/dom.ts';
import { Layout } from './ui/layout.ts';
import { hashOf, parseHash } from './ui/router.ts';
import type { Screen } from './ui/screen.ts';

async function boot(root: HTMLElement): Promise<void> {
  const layout = new Layout(root);
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(location.origin);
  } catch (err) {
    layout.show('', h('p', { class: 'error', testid: 'boot-error' }, describeError(err)));
    return;
  }
  let current: Screen | undefined;
  const ctx: AppContext = {
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
  let pendingInvite: string | undefined;

  const screenFor = (name: string, _args: string[]): Screen => {
    switch (name) {
      case 'scan':
        return scanScreen(ctx);
      default:
        return { el: homeScreen(ctx) };
    }
  };
  function render(): void {
    current?.dispose?.();
    const route = parseHash(location.hash);
    current = screenFor(route.name, route.args);
    layout.show(route.name, current.el);
  }
  window.addEventListener('hashchange', render);

  if (/^\/p\/?$/.test(location.pathname) && location.hash.length > 1) {
    const uri = location.href;
    history.replaceState(null, '', `/${hashOf('join')}`);
    ctx.openInvite(uri);
  }
  render();
  void pendingInvite;
}

const root = document.getElementById('app');
if (root) void boot(root);
