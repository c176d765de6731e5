// The "Short code" entry in the menu: short codes work inside a channel both devices have open.
import { createChannel } from '../core/channels.ts';
import { type AppContext, describeError } from '../core/context.ts';
import { h } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';

export function codeStartScreen(ctx: AppContext): HTMLElement {
  const error = h('p', { class: 'error', attrs: { role: 'status' } });
  const start = h('button', { testid: 'code-new-channel' }, 'Create a public pairing channel');
  start.addEventListener('click', () => {
    start.disabled = true;
    createChannel(ctx.config.server, true, `pairing ${Math.floor(Math.random() * 9000) + 1000}`)
      .then((c) => ctx.go(hashOf('c', c.channelId)))
      .catch((err: unknown) => {
        error.textContent = describeError(err);
        start.disabled = false;
      });
  });
  return h(
    'div',
    { testid: 'screen-code' },
    h('h1', {}, 'Pair with a short code'),
    h(
      'p',
      {},
      'No camera? Open the same channel on both devices (from the public list on Home, or by its link).',
    ),
    h('p', {}, 'Then choose "Show a short code" on one device and "Type a short code" on the other.'),
    h('p', { class: 'hint' }, 'The channel name is public; the code is not. A code works for one try only.'),
    start,
    error,
  );
}
