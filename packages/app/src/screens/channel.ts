// A channel: invite others (QR or short code), see paired peers and their trust state, talk to one.
import { getChannel } from '../core/channels.ts';
import { type AppContext, describeError } from '../core/context.ts';
import type { Engine, RelayStatus } from '../core/engine-api.ts';
import type { PeerModel } from '../core/model.ts';
import { h, replace } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';
import type { Screen } from '../ui/screen.ts';
import { CallBanner } from './call-banner.ts';
import { CodePanel } from './code-panel.ts';
import { InvitePanel } from './invite-panel.ts';
import { LinkOfferCard } from './link-device.ts';
import { PeerPanel, trustBadge } from './peer-panel.ts';

/** What the status line says about the relay connection (docs/protocol.md 2.13). Never an alarm. */
const RELAY_TEXT: Record<Exclude<RelayStatus, 'connecting'>, string> = {
  connected: 'Connected to the relay. Sessions with peers are sealed end to end.',
  reconnecting:
    'Relay connection lost: reconnecting… Nothing is wrong with your sealed sessions: messages wait and go out when the relay is back.',
  offline:
    'Offline: no relay connection (or this channel is open in another tab). Reload the page to connect again.',
};

function peerItem(peer: PeerModel, selected: boolean, select: () => void): HTMLElement {
  const btn = h(
    'button',
    { class: selected ? '' : 'secondary', testid: 'peer-item', attrs: { 'aria-pressed': String(selected) } },
    `Peer ${peer.label} `,
  );
  btn.dataset.peerId = peer.id;
  btn.dataset.trust = peer.trust;
  btn.dataset.link = peer.link;
  btn.addEventListener('click', select);
  return h(
    'li',
    {},
    btn,
    ' ',
    trustBadge(peer),
    ` · ${peer.link === 'open' ? 'sealed session open' : peer.link}`,
  );
}

export function channelScreen(
  ctx: AppContext,
  engine: Engine,
  channelId: string,
  selectedPeer?: string,
): Screen {
  const title = h('h1', { testid: 'channel-title' }, 'Channel');
  const status = h('p', { testid: 'channel-status', attrs: { role: 'status' } }, 'Connecting to the relay…');
  const invite = new InvitePanel(engine, channelId);
  let selected = selectedPeer;
  const code = new CodePanel(engine, channelId, (peerId) => select(peerId));
  const list = h('ul', { class: 'plain', testid: 'peer-list' });
  const panelSlot = h('div');
  const linkOffer = new LinkOfferCard();
  let panel: PeerPanel | undefined;
  const calls = new CallBanner(engine, (peerId) => select(peerId));

  function select(peerId: string): void {
    selected = peerId;
    history.replaceState(null, '', hashOf('c', channelId, peerId));
    render();
  }

  let failed = false; // the channel could not be opened: the status keeps that error
  function showRelay(): void {
    const state = engine.relayState(channelId);
    if (failed || state === 'connecting') return;
    if (status.dataset.state !== state) {
      status.dataset.state = state;
      status.className = state === 'connected' ? '' : 'relay-away';
      status.textContent = RELAY_TEXT[state];
    }
    invite.setRelay(state === 'connected' ? 'up' : state === 'offline' ? 'dead' : 'away');
  }

  let newest: string | undefined;
  function render(): void {
    showRelay();
    const peers = engine.peers(channelId);
    // A newly paired peer becomes the selected one (the list is newest first).
    if (peers[0] && peers[0].id !== newest) {
      // The invite on screen was just used (or is no longer the point): put it away.
      if (newest !== undefined || peers.length === 1) invite.close();
      newest = peers[0].id;
      if (!selectedPeer || selected !== selectedPeer) selected = newest;
    }
    replace(list, ...peers.map((p) => peerItem(p, p.id === selected, () => select(p.id))));
    if (peers.length === 0)
      replace(list, h('li', { class: 'muted' }, 'Nobody paired yet. Invite someone above.'));
    if (selected && panel?.peerId !== selected && engine.peer(selected)) {
      panel = new PeerPanel(engine, selected);
      replace(panelSlot, panel.el);
    }
    panel?.update();
    linkOffer.update(engine, selected);
    calls.update(peers);
  }

  const channelLink = `${location.origin}/${hashOf('c', channelId)}`;
  const el = h(
    'div',
    { testid: 'screen-channel' },
    calls.el,
    title,
    status,
    h(
      'p',
      { class: 'hint' },
      'Channel link (anyone with it can join the channel, but not your sealed sessions): ',
      h('span', { class: 'mono', testid: 'channel-link' }, channelLink),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { testid: 'show-invite', on: { click: () => void invite.open() } }, 'Invite by QR'),
      h(
        'button',
        { class: 'secondary', testid: 'show-code', on: { click: () => void code.show() } },
        'Show a short code',
      ),
      h(
        'button',
        { class: 'secondary', testid: 'type-code', on: { click: () => code.type() } },
        'Type a short code',
      ),
    ),
    invite.el,
    code.el,
    h('h2', {}, 'Peers'),
    list,
    linkOffer.el,
    panelSlot,
  );

  const off = engine.changed.on(render);
  getChannel(ctx.config.server, channelId)
    .then((c) => {
      title.textContent = c.name ? `Channel ${c.name}` : 'Private channel';
      return engine.enterChannel(channelId);
    })
    .then(showRelay)
    .catch((err: unknown) => {
      failed = true;
      status.textContent = describeError(err);
      status.className = 'error';
    });
  render();
  return {
    el,
    dispose: () => {
      off();
      invite.close();
      code.close();
    },
  };
}
