// Entry point: loads the server config and this device's identity, then renders the screen for the
// current hash route. `/p#<invite>` (the invite landing page) hands its fragment to the invite flow and
// drops it from the address bar and history, so the one-time secret does not linger.
import { loadConfig } from './core/config.ts';
import { type AppContext, describeError } from './core/context.ts';
import { createEngine } from './core/engine.ts';
import type { Engine } from './core/engine-api.ts';
import { channelScreen } from './screens/channel.ts';
import { codeStartScreen } from './screens/code-start.ts';
import { contactChatScreen } from './screens/contact-chat.ts';
import { contactsScreen } from './screens/contacts.ts';
import { deviceScreen } from './screens/device.ts';
import { homeScreen } from './screens/home.ts';
import { joinScreen } from './screens/join.ts';
import { scanScreen } from './screens/scan.ts';
import { loadServerOrigin, startAppIntegrity } from './sw/index.ts';
import { h } from './ui/dom.ts';
import { Layout } from './ui/layout.ts';
import { hashOf, parseHash } from './ui/router.ts';
import type { Screen } from './ui/screen.ts';

function screenFor(
  ctx: AppContext,
  engine: Engine,
  name: string,
  args: string[],
  invite: () => string | undefined,
): Screen {
  switch (name) {
    case 'device':
      return { el: deviceScreen(engine) };
    case 'scan':
      return scanScreen(ctx);
    case 'code':
      return { el: codeStartScreen(ctx) };
    case 'contacts':
      return contactsScreen(ctx, engine);
    case 'k':
      if (args[0]) return contactChatScreen(ctx, engine, args[0]);
      return contactsScreen(ctx, engine);
    case 'join':
      return { el: joinScreen(ctx, engine, invite()) };
    case 'c':
      if (args[0]) return channelScreen(ctx, engine, args[0], args[1]);
      return { el: homeScreen(ctx) };
    default:
      return { el: homeScreen(ctx) };
  }
}

async function boot(root: HTMLElement): Promise<void> {
  const layout = new Layout(root);
  // App pinning (release-signed builds only) and the "version X, release key K" panel.
  startAppIntegrity();
  // Read (and then drop) an invite in the fragment of /p before anything else can observe the URL.
  let pendingInvite: string | undefined;
  if (/^\/p\/?$/.test(location.pathname) && location.hash.length > 1) {
    pendingInvite = location.href;
    history.replaceState(null, '', `/${hashOf('join')}`);
  }
  let ctx: AppContext;
  let engine: Engine;
  try {
    const config = await loadConfig(await loadServerOrigin());
    engine = await createEngine(config, layout.alerts);
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
    layout.show(
      '',
      h('p', { class: 'error', testid: 'boot-error', attrs: { role: 'alert' } }, describeError(err)),
    );
    return;
  }
  let current: Screen | undefined;
  function render(): void {
    current?.dispose?.();
    const route = parseHash(location.hash);
    current = screenFor(ctx, engine, route.name, route.args, () => {
      const uri = pendingInvite;
      pendingInvite = undefined;
      return uri;
    });
    layout.show(route.name, current.el);
  }
  window.addEventListener('hashchange', render);
  render();
}

const root = document.getElementById('app');
if (root) void boot(root);
