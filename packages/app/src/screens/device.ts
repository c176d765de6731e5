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
  );
}
