// The saved contacts (issue 15): name, fingerprint, verified state (how, when), keyshare handle, online or
// offline from the rendezvous, and Chat / Rename / Delete; plus export and import of the list.
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { groupDigits, type PeerModel } from '../core/model.ts';
import { contactDigits, type SavedContact } from '../core/saved-contacts.ts';
import { h, replace } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';

const PAIRED_TEXT: Record<SavedContact['pairedBy'], string> = {
  qr: 'paired by QR code',
  code: 'paired by short code',
  keyshare: 'found on a keyshare',
  contact: 'saved from a contact session',
};

function verifiedText(c: SavedContact): string {
  if (!c.verified) return 'unverified';
  const how = c.verified.how === 'safety-number' ? 'safety number' : c.verified.how;
  return `verified (${how}, ${new Date(c.verified.at).toLocaleDateString()})`;
}

/** This contact's "Hide my IP address" choice (core/hide-ip.ts): default, on or off. */
function hideIpChoice(engine: Engine, c: SavedContact, fail: (e: unknown) => void): HTMLElement {
  const settings = engine.hideIp;
  const defaultText =
    c.pairedBy === 'keyshare' ? 'on: found on a keyshare' : `${settings.global ? 'on' : 'off'}: as on Device`;
  const select = h(
    'select',
    { testid: 'contact-hide-ip', attrs: { 'aria-label': `Hide my IP address from ${c.name}` } },
    h('option', { attrs: { value: 'default' } }, `default (${defaultText})`),
    h('option', { attrs: { value: 'on' } }, 'on'),
    h('option', { attrs: { value: 'off' } }, 'off'),
  );
  select.value = settings.choice(c.id);
  select.addEventListener('change', () => {
    const v = select.value === 'on' || select.value === 'off' ? select.value : 'default';
    settings.setChoice(c.id, v).then(() => engine.changed.emit(), fail);
  });
  const el = h('label', { class: 'hint' }, 'Hide my IP address: ', select);
  el.dataset.on = String(settings.decide(c, 'contact').on);
  return el;
}

function contactItem(
  engine: Engine,
  c: SavedContact,
  go: (hash: string) => void,
  fail: (e: unknown) => void,
) {
  const online = engine.contactOnline(c.id);
  const blocked = c.pendingKey !== null;
  const badge = blocked
    ? h('span', { class: 'badge key-changed', testid: 'contact-blocked' }, 'KEY CHANGED: blocked')
    : h('span', { class: `badge ${c.verified ? 'verified' : 'unverified'}` }, verifiedText(c));
  const presence = h(
    'span',
    { class: `presence ${online ? 'online' : 'offline'}`, testid: 'contact-presence' },
    online ? 'online' : 'offline',
  );
  const chat = h('button', { testid: 'contact-chat' }, engine.contactPeer(c.id) ? 'Open chat' : 'Chat');
  chat.addEventListener('click', () => go(hashOf('k', c.id)));
  chat.disabled = blocked;
  const rename = h('button', { class: 'secondary', testid: 'contact-rename' }, 'Rename');
  rename.addEventListener('click', () => {
    const name = prompt('New name', c.name);
    if (name !== null) engine.renameContact(c.id, name).catch(fail);
  });
  const del = h('button', { class: 'secondary', testid: 'contact-delete' }, 'Delete');
  del.addEventListener('click', () => {
    if (confirm(`Delete the contact “${c.name}”? You will need a new pairing to reach it.`))
      engine.deleteContact(c.id).catch(fail);
  });
  const li = h(
    'li',
    { class: 'contact', testid: 'saved-contact' },
    h('strong', { testid: 'contact-name' }, c.name),
    ' ',
    presence,
    ' ',
    badge,
    h(
      'div',
      { class: 'hint' },
      PAIRED_TEXT[c.pairedBy],
      c.handle ? ` · handle ${c.handle}` : '',
      ` · saved ${new Date(c.savedAt).toLocaleDateString()}`,
    ),
    h('div', { class: 'digits small' }, ...groupDigits(contactDigits(c)).map((g) => h('span', {}, g))),
    blocked
      ? h(
          'p',
          { class: 'error' },
          'This contact presented a different key where you met it. It is blocked until you accept the new key on that pairing’s panel (compare the safety number with them first).',
        )
      : null,
    ...c.history.map((k) =>
      h(
        'div',
        { class: 'hint', testid: 'contact-history' },
        `Earlier key ${k.id.slice(0, 8)}…: ${k.verified ? `verified by ${k.verified.how} on ${new Date(k.verified.at).toLocaleDateString()}` : 'never verified'}, replaced ${new Date(k.replacedAt).toLocaleDateString()}`,
      ),
    ),
    h('div', { class: 'row' }, chat, rename, del),
    hideIpChoice(engine, c, fail),
  );
  li.dataset.contactId = c.id;
  li.dataset.online = String(online);
  li.dataset.verified = String(c.verified !== null);
  li.dataset.blocked = String(blocked);
  return li;
}

/** A contact request (path 4): who (fingerprint, safety number), a name, Accept or Decline. */
function requestItem(engine: Engine, p: PeerModel, go: (hash: string) => void, fail: (e: unknown) => void) {
  const name = h('input', {
    testid: 'request-name',
    attrs: { type: 'text', maxlength: '64', 'aria-label': 'Name for this contact', placeholder: 'Name' },
  });
  const accept = h('button', { testid: 'request-accept' }, 'Accept and save');
  accept.addEventListener('click', () => {
    engine
      .acceptRequest(p.id, name.value)
      .then(() => {
        const c = engine.savedContactOf(p.id);
        if (c) go(hashOf('k', c.id));
      })
      .catch(fail);
  });
  const decline = h('button', { class: 'secondary', testid: 'request-decline' }, 'Decline');
  decline.addEventListener('click', () => engine.declineRequest(p.id));
  return h(
    'section',
    { class: 'card', testid: 'contact-request' },
    h('h2', {}, 'Contact request'),
    h(
      'p',
      {},
      'Someone who found your keys on a keyshare wants to talk. Nothing they send is shown until you accept. Their fingerprint:',
    ),
    h('div', { class: 'digits' }, ...groupDigits(p.peerFingerprint ?? '').map((g) => h('span', {}, g))),
    h('p', { class: 'hint' }, 'Safety number of this session (compare it with them to verify):'),
    h(
      'div',
      { class: 'digits', testid: 'request-safety-number' },
      ...groupDigits(p.safetyNumber ?? '').map((g) => h('span', {}, g)),
    ),
    h('div', { class: 'row' }, name, accept, decline),
  );
}

/** The "Your contacts" card; re-renders on engine changes until disposed. */
export function savedContactsCard(
  engine: Engine,
  go: (hash: string) => void,
): { el: HTMLElement; dispose(): void } {
  const list = h('ul', { class: 'plain', testid: 'saved-contacts' });
  const status = h('p', { testid: 'contacts-status', attrs: { role: 'status' } });
  const fail = (e: unknown) => replace(status, h('span', { class: 'error' }, describeError(e)));
  const io = h('textarea', {
    testid: 'contacts-file',
    attrs: {
      rows: '4',
      'aria-label': 'Contacts file (JSON)',
      placeholder: 'Paste an exported contacts file',
    },
  });
  const exportBtn = h('button', { class: 'secondary', testid: 'contacts-export' }, 'Export contacts');
  exportBtn.addEventListener('click', () => {
    io.value = engine.exportContacts();
    replace(status, 'Copy this text to your other device (it holds public keys and names only).');
  });
  const importBtn = h('button', { class: 'secondary', testid: 'contacts-import' }, 'Import contacts');
  importBtn.addEventListener('click', () => {
    engine
      .importContacts(io.value)
      .then((n) => replace(status, `Imported ${n} new contact(s).`))
      .catch(fail);
  });
  const requests = h('div', { testid: 'contact-requests' });
  let shown = '';
  const render = (): void => {
    // Re-render requests only when the set changes, so a name being typed is not lost.
    const pending = engine.contactRequests();
    const ids = pending.map((p) => p.id).join(',');
    if (ids !== shown) {
      shown = ids;
      replace(requests, ...pending.map((p) => requestItem(engine, p, go, fail)));
    }
    const all = engine.savedContacts();
    const rv = engine.rendezvous.status;
    list.dataset.rendezvous = rv;
    replace(
      list,
      ...(all.length === 0
        ? [h('li', { class: 'muted' }, 'No contacts yet. After a pairing, use “Save as contact”.')]
        : all.map((c) => contactItem(engine, c, go, fail))),
    );
  };
  const off = engine.changed.on(render);
  void engine.published().then((pub) => {
    if (pub || engine.savedContacts().length > 0) void engine.rendezvous.start().catch(fail);
  });
  render();
  const el = h(
    'section',
    { class: 'card', testid: 'contacts-card' },
    requests,
    h('h2', {}, 'Your contacts'),
    h(
      'p',
      { class: 'hint' },
      'Contacts are reached without a new invite when both devices are online. The relay sees only an opaque tag per pair, never who you are.',
    ),
    list,
    h('div', { class: 'row' }, exportBtn, importBtn),
    io,
    status,
  );
  return { el, dispose: off };
}
