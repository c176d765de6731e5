// Home: create a public or private channel, list the public ones, open a channel or invite by link.

import { createChannel, isChannelId, listPublicChannels } from '../core/channels.ts';
import { type AppContext, describeError } from '../core/context.ts';
import { h, replace } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';

/** What a pasted link or id points at: a channel, an invite, or nothing the app knows. */
export function parseOpenTarget(
  input: string,
  origin: string,
): { kind: 'channel'; channelId: string } | { kind: 'invite'; uri: string } | undefined {
  const text = input.trim();
  if (isChannelId(text)) return { kind: 'channel', channelId: text.toLowerCase() };
  let url: URL;
  try {
    url = new URL(text, origin);
  } catch {
    return undefined;
  }
  if (url.pathname === '/p' || url.pathname === '/p/') {
    return url.hash.length > 1 ? { kind: 'invite', uri: url.href } : undefined;
  }
  const m = /^#\/c\/([^/]+)$/.exec(url.hash);
  return m?.[1] && isChannelId(m[1]) ? { kind: 'channel', channelId: m[1].toLowerCase() } : undefined;
}

export function homeScreen(ctx: AppContext): HTMLElement {
  const error = h('p', { class: 'error', testid: 'home-error', attrs: { role: 'status' } });
  const name = h('input', {
    testid: 'channel-name',
    attrs: {
      type: 'text',
      id: 'channel-name',
      maxlength: '64',
      placeholder: 'optional',
      autocomplete: 'off',
    },
  });
  const isPublic = h('input', {
    testid: 'channel-public',
    attrs: { type: 'checkbox', id: 'channel-public' },
  });
  const create = h('button', { testid: 'create-channel', attrs: { type: 'submit' } }, 'Create channel');
  const form = h(
    'form',
    {
      on: {
        submit: (ev) => {
          ev.preventDefault();
          create.disabled = true;
          error.textContent = '';
          createChannel(ctx.config.server, isPublic.checked, name.value.trim() || undefined)
            .then((c) => ctx.go(hashOf('c', c.channelId)))
            .catch((err: unknown) => {
              error.textContent = describeError(err);
              create.disabled = false;
            });
        },
      },
    },
    h('label', { attrs: { for: 'channel-name' } }, 'Channel name'),
    name,
    h(
      'div',
      { class: 'row' },
      isPublic,
      h('label', { attrs: { for: 'channel-public' } }, 'List it publicly'),
    ),
    h('p', { class: 'hint' }, 'A private channel is found only through its link or an invite.'),
    create,
  );

  const openInput = h('input', {
    testid: 'open-link',
    attrs: {
      type: 'text',
      id: 'open-link',
      placeholder: 'channel link, invite link or channel id',
      autocomplete: 'off',
    },
  });
  const openForm = h(
    'form',
    {
      on: {
        submit: (ev) => {
          ev.preventDefault();
          const target = parseOpenTarget(openInput.value, location.origin);
          if (!target) error.textContent = 'That is not a sealpeer channel link, invite link or channel id.';
          else if (target.kind === 'channel') ctx.go(hashOf('c', target.channelId));
          else ctx.openInvite(target.uri);
        },
      },
    },
    h('label', { attrs: { for: 'open-link' } }, 'Open by link'),
    h(
      'div',
      { class: 'row' },
      openInput,
      h('button', { testid: 'open-link-go', attrs: { type: 'submit' } }, 'Open'),
    ),
  );

  const list = h('ul', { class: 'plain', testid: 'public-channels' });
  const refresh = (): void => {
    listPublicChannels(ctx.config.server)
      .then((channels) => {
        replace(
          list,
          ...channels.map((c) =>
            h(
              'li',
              { testid: 'public-channel' },
              h('a', { attrs: { href: hashOf('c', c.channelId) } }, c.name ?? c.channelId),
              ` · ${c.peers} online`,
            ),
          ),
        );
        if (channels.length === 0) replace(list, h('li', { class: 'muted' }, 'No public channels yet.'));
      })
      .catch((err: unknown) => replace(list, h('li', { class: 'error' }, describeError(err))));
  };
  refresh();

  return h(
    'div',
    { testid: 'screen-home' },
    h('h1', {}, 'Private calls and chat, sealed end to end'),
    h('p', { class: 'hint' }, 'The relay passes your connection setup along but cannot read or change it.'),
    error,
    h('section', { class: 'card' }, h('h2', {}, 'New channel'), form),
    h('section', { class: 'card' }, openForm),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Public channels'),
      list,
      h('button', { class: 'secondary', on: { click: refresh } }, 'Refresh'),
    ),
  );
}
