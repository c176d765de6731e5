// Your device: the identity created on first visit (kept in this browser's IndexedDB) and its fingerprint.
import type { Engine } from '../core/engine-api.ts';
import { groupDigits } from '../core/model.ts';
import { h } from '../ui/dom.ts';

export function deviceScreen(engine: Engine): HTMLElement {
  const info = engine.device();
  return h(
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
    replaceSection(engine),
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
