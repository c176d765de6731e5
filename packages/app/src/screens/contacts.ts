// Contacts by keyshare handle: look a handle up in the configured keyshares and see its verification
// state. Filled in by the keyshare client when the server configures keyshares.
import type { AppContext } from '../core/context.ts';
import { h } from '../ui/dom.ts';

export function contactsScreen(ctx: AppContext): HTMLElement {
  const note =
    ctx.config.keyshareUrls.length === 0
      ? 'This server lists no keyshare, so contacts cannot be looked up by handle here.'
      : `Keyshares: ${ctx.config.keyshareUrls.join(', ')}`;
  return h('div', { testid: 'screen-contacts' }, h('h1', {}, 'Contacts'), h('p', { class: 'hint' }, note));
}
