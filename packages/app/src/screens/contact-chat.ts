// Chat / Call with a saved contact (`#/k/<contactId>`): uses the live pairing with it, or starts a sealed
// Noise KK session through the pair's rendezvous when the contact is online (docs/protocol.md 2.14). An
// offline contact is shown offline; the page connects by itself when it comes online.
import { type AppContext, describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { h, replace } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';
import type { Screen } from '../ui/screen.ts';
import { PeerPanel } from './peer-panel.ts';

export function contactChatScreen(ctx: AppContext, engine: Engine, id: string): Screen {
  const contact = engine.savedContact(id);
  const title = h(
    'h1',
    { testid: 'contact-chat-title' },
    contact ? `Chat with ${contact.name}` : 'No such contact',
  );
  const status = h('p', { testid: 'contact-chat-status', attrs: { role: 'status' } });
  const slot = h('div');
  let panel: PeerPanel | undefined;
  let connecting = false;
  /** A keyshare-found contact that does not list us yet is asked once (contact request, path 4). */
  let requested = false;
  let error: string | undefined;

  const setStatus = (state: string, text: string): void => {
    status.dataset.state = state;
    status.textContent = text;
  };

  function render(): void {
    if (!contact) return;
    const peer = engine.contactPeer(id);
    if (peer && panel?.peerId !== peer.id) {
      panel = new PeerPanel(engine, peer.id);
      replace(slot, panel.el);
    }
    panel?.update();
    const ended = !peer && panel ? engine.peer(panel.peerId) : undefined;
    if (peer?.link === 'open') setStatus('open', 'Sealed session open with your contact.');
    else if (ended && (ended.link === 'closed' || ended.link === 'failed'))
      setStatus('closed', `The session ended (${contact.name} closed or declined it).`);
    else if (connecting || peer) setStatus('connecting', 'Connecting to your contact…');
    else if (engine.rendezvous.status !== 'listening') setStatus('waiting', 'Connecting to the relay…');
    else if (!engine.contactOnline(id))
      setStatus(
        'offline',
        requested && error
          ? `${contact.name} is offline or does not take requests now (${error}).`
          : `${contact.name} is offline. This page connects when they come online.`,
      );
    else if (error) setStatus('failed', `Could not connect: ${error}`);
    const listening = engine.rendezvous.status === 'listening';
    const ask = listening && !requested && contact.pairedBy === 'keyshare';
    if (!peer && !ended && !connecting && (engine.contactOnline(id) ? !error : ask)) {
      if (!engine.contactOnline(id)) requested = true;
      connect();
    }
  }

  function connect(): void {
    connecting = true;
    engine
      .chatContact(id)
      .catch((err: unknown) => {
        error = describeError(err);
      })
      .finally(() => {
        connecting = false;
        render();
      });
    render();
  }

  const off = engine.changed.on(render);
  void engine.rendezvous.start().catch((err: unknown) => {
    error = describeError(err);
    render();
  });
  render();
  const back = h(
    'button',
    { class: 'secondary', on: { click: () => ctx.go(hashOf('contacts')) } },
    'All contacts',
  );
  return {
    el: h('div', { testid: 'screen-contact-chat' }, title, status, h('div', { class: 'row' }, back), slot),
    dispose: off,
  };
}
