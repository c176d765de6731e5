// Your device: the identity created on first visit (kept in this browser's IndexedDB) and its fingerprint.
import type { Engine } from '../core/engine-api.ts';
import { groupDigits } from '../core/model.ts';
import { h, replace } from '../ui/dom.ts';
import type { Screen } from '../ui/screen.ts';
import { linkDeviceCard } from './link-device.ts';

export function deviceScreen(engine: Engine): Screen {
  const info = engine.device();
  const link = linkDeviceCard(engine);
  const el = h(
    'div',
    { testid: 'screen-device' },
    h('h1', {}, 'Your device'),
    h(
      'p',
      {},
      'This browser made its own key pair on your first visit and keeps it in its local storage (IndexedDB). ',
      'It never leaves this device. Clearing site data gives you a new identity, and your contacts will see a key change.',
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Fingerprint'),
      h(
        'div',
        { class: 'digits mono', testid: 'device-fingerprint' },
        ...groupDigits(info.fingerprint).map((g) => h('span', {}, `${g} `)),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Identity key'),
      h('p', { class: 'mono', testid: 'device-identity-key' }, info.identityKey),
    ),
    hideIpSection(engine),
    link.el,
    replaceSection(engine),
  );
  return { el, dispose: link.dispose };
}

/**
 * "Hide my IP address from peers" for every pairing without a choice of its own (contacts found on a
 * keyshare hide it by default; each contact can choose on the Contacts screen). core/hide-ip.ts.
 */
function hideIpSection(engine: Engine): HTMLElement {
  const box = h('input', { testid: 'hide-ip-global', attrs: { type: 'checkbox', id: 'hide-ip-global' } });
  box.checked = engine.hideIp.global;
  const status = h('p', { testid: 'hide-ip-status', attrs: { role: 'status' } });
  box.addEventListener('change', () => {
    engine.hideIp
      .setGlobal(box.checked)
      .then(() => {
        status.textContent = 'Saved. It applies to direct links started from now on.';
        engine.changed.emit();
      })
      .catch((err: unknown) => replace(status, h('span', { class: 'error' }, String(err))));
  });
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'What peers learn about you'),
    h('label', { attrs: { for: 'hide-ip-global' } }, box, ' Hide my IP address from peers'),
    h(
      'p',
      { class: 'hint' },
      'Chat always goes sealed through the relay. A call (and the direct link it uses) is peer to peer, so the peer sees your IP address, unless this is on: then it goes through the server’s TURN relay, which sees your address instead (but not what you say). Contacts found on a keyshare get this by default.',
    ),
    engine.turnOffered
      ? null
      : h(
          'p',
          { class: 'error', testid: 'hide-ip-no-turn' },
          'This server offers no TURN relay: with your IP address hidden there is no direct link, so no calls (chat still works).',
        ),
    status,
  );
}

function replaceSection(engine: Engine): HTMLElement {
  const confirm = h(
    'button',
    { class: 'danger hidden', testid: 'replace-identity-confirm' },
    'Yes, replace my identity',
  );
  const ask = h('button', { class: 'secondary', testid: 'replace-identity' }, 'Replace identity…');
  ask.addEventListener('click', () => {
    confirm.classList.remove('hidden');
    confirm.focus();
  });
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    void engine.replaceIdentity();
  });
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'New identity'),
    h(
      'p',
      { class: 'hint' },
      'Makes a new key pair for this browser. Everyone you paired with will see a key change and must accept it.',
    ),
    h('div', { class: 'row' }, ask, confirm),
  );
}
