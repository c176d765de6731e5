// Accepting an invite (scanned, opened as a link, or pasted): pairs, then opens the channel with the peer.
import { type AppContext, describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { h } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';

export function joinScreen(ctx: AppContext, engine: Engine, uri: string | undefined): HTMLElement {
  const status = h('p', { testid: 'join-status', attrs: { role: 'status' } });
  const el = h('div', { testid: 'screen-join' }, h('h1', {}, 'Joining by invite'), status);
  if (!uri) {
    status.textContent = 'No invite to open. Scan one, or open an invite link.';
    return el;
  }
  status.textContent = 'Pairing with the device that showed the invite…';
  engine
    .acceptInvite(uri)
    .then(({ channelId, peerId }) => ctx.go(hashOf('c', channelId, peerId)))
    .catch((err: unknown) => {
      status.textContent = `This invite did not work: ${describeError(err)}`;
      status.className = 'error';
      status.dataset.state = 'failed';
    });
  return el;
}
