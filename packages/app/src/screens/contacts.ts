// Contacts by keyshare handle: pick a keyshare, pin its log verifier key (obtained out of band, e.g. from
// the operator's page), look a handle up, and see the contact's fingerprint and verification state.
import { KeyshareUnverifiedError } from '@sealpeer/client';
import type { ContactView } from '../core/contacts.ts';
import { type AppContext, describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { groupDigits } from '../core/model.ts';
import { contactIdOf } from '../core/saved-contacts.ts';
import { type Child, h, replace } from '../ui/dom.ts';
import { hashOf } from '../ui/router.ts';
import type { Screen } from '../ui/screen.ts';
import { savedContactsCard } from './contact-list.ts';
import { showKeyshareFailure, unverifiedNotice, witnessCard } from './keyshare-witnesses.ts';

const STATE_TEXT: Record<ContactView['trust'], string> = {
  unverified: 'unverified: compare this fingerprint with the one on their Device screen',
  verified: 'verified',
  'key-changed': 'KEY CHANGED since you last saw this handle: blocked until you accept it',
};

export function contactsScreen(ctx: AppContext, engine: Engine): Screen {
  const saved = savedContactsCard(engine, (hash) => ctx.go(hash));
  // The relay may name keyshare URLs (/api/config), never their keys: keys come from the release's
  // built-in list, a linked device, or one paste (then pinned). docs/keyshare.md §Built-in keys.
  const urls = ctx.config.keyshareUrls;
  const url = h('input', {
    testid: 'keyshare-url',
    attrs: { type: 'url', id: 'keyshare-url', value: urls[0] ?? '', autocomplete: 'off' },
  });
  const verifier = h('input', {
    testid: 'keyshare-verifier',
    attrs: { type: 'text', id: 'keyshare-verifier', autocomplete: 'off', placeholder: 'name+hash+key' },
  });
  const handle = h('input', {
    testid: 'contact-handle',
    attrs: { type: 'text', id: 'contact-handle', autocomplete: 'off' },
  });
  const result = h('div', { testid: 'contact-result', attrs: { role: 'status' } });
  const go = h('button', { testid: 'contact-lookup', attrs: { type: 'submit' } }, 'Look up');

  const show = (view: ContactView): void => {
    const badge = h(
      'span',
      { class: `badge ${view.trust}`, testid: 'contact-trust' },
      STATE_TEXT[view.trust],
    );
    badge.dataset.state = view.trust;
    const verify = h('button', { testid: 'contact-verify' }, 'Mark as verified');
    verify.addEventListener('click', () => {
      engine.contacts
        .markVerified(view)
        .then(async (v) => {
          await engine.keyVerified(v);
          return v;
        })
        .then(show)
        .catch((err: unknown) => replace(result, h('p', { class: 'error' }, describeError(err))));
    });
    replace(
      result,
      h('h2', {}, view.handle, ' ', badge),
      h('p', {}, `Record status in the log: ${view.status}`),
      h(
        'div',
        { class: 'digits', testid: 'contact-fingerprint' },
        ...groupDigits(view.fingerprint).map((g) => h('span', {}, g)),
      ),
      view.trust === 'unverified' && view.status === 'active' ? verify : null,
      view.status === 'active' ? saveLookedUp(engine, view, (hash) => ctx.go(hash)) : null,
    );
  };

  const keySource = h('p', { class: 'hint', testid: 'keyshare-key-source' });
  const known = h('div', { class: 'row', testid: 'known-keyshares' });
  const fillKey = async (): Promise<void> => {
    const list = await engine.contacts.knownKeyshares();
    const pick = list.find((k) => k.url === safeOrigin(url.value));
    if (pick) verifier.value = pick.verifierKey;
    keySource.dataset.source = pick?.source ?? 'none';
    keySource.textContent = pick
      ? pick.source === 'built-in'
        ? `Key built into this app release (${pick.name}).`
        : 'Key pinned on this device (first use, or from your other device).'
      : 'No key known for this keyshare: paste the one its operator publishes (the relay never supplies keys).';
  };
  void engine.contacts.knownKeyshares().then((list) => {
    if (!url.value && list[0]) url.value = list[0].url;
    replace(
      known,
      ...list.map((k) =>
        h(
          'button',
          {
            class: 'secondary',
            testid: 'known-keyshare',
            on: {
              click: () => {
                url.value = k.url;
                url.dispatchEvent(new Event('change'));
              },
            },
          },
          `${k.name} (${k.source})`,
        ),
      ),
    );
    return fillKey();
  });
  url.addEventListener('change', () => void fillKey());
  const form = actionForm(
    go,
    result,
    'Looking up and checking the log…',
    () =>
      engine.contacts
        .lookup(url.value, verifier.value, handle.value)
        .then(show)
        .catch((err: unknown) => showKeyshareFailure(ctx, result, err)),
    h('label', { attrs: { for: 'keyshare-url' } }, 'Keyshare'),
    url,
    h(
      'label',
      { attrs: { for: 'keyshare-verifier' } },
      'Its log verifier key (from its operator, pinned here after the first use)',
    ),
    verifier,
    keySource,
    h('label', { attrs: { for: 'contact-handle' } }, 'Handle'),
    h('div', { class: 'row' }, handle, go),
  );
  const el = h(
    'div',
    { testid: 'screen-contacts' },
    h('h1', {}, 'Contacts'),
    saved.el,
    h('h2', {}, 'Find someone on a keyshare'),
    h(
      'p',
      { class: 'hint' },
      urls.length === 0
        ? 'This server lists no keyshare; enter one yourself.'
        : `Keyshares of this server: ${urls.join(', ')}`,
    ),
    known,
    h('section', { class: 'card' }, form),
    result,
    witnessCard(engine, url),
    ownHandleCard(engine, url, verifier),
  );
  return { el, dispose: saved.dispose };
}

function safeOrigin(u: string): string {
  try {
    return new URL(u).origin;
  } catch {
    return '';
  }
}

/** After a lookup: save the handle's keys as a contact (name defaults to the handle), then Chat. */
function saveLookedUp(engine: Engine, view: ContactView, go: (hash: string) => void): HTMLElement {
  const existing = engine.savedContact(contactIdOf(view.identity));
  const status = h('span', { attrs: { role: 'status' } });
  const chat = (id: string) =>
    h('button', { testid: 'lookup-chat', on: { click: () => go(hashOf('k', id)) } }, 'Chat');
  if (existing)
    return h('div', { class: 'row' }, h('span', {}, `Saved as “${existing.name}”.`), chat(existing.id));
  const name = h('input', {
    testid: 'lookup-save-name',
    attrs: { type: 'text', maxlength: '64', value: view.handle, 'aria-label': 'Contact name' },
  });
  const save = h('button', { testid: 'lookup-save' }, 'Save as contact');
  const box = h('div', { class: 'row' }, name, save, status);
  save.addEventListener('click', () => {
    engine
      .saveLookedUp(view, name.value)
      .then((c) => replace(box, h('span', {}, `Saved as “${c.name}”.`), chat(c.id)))
      .catch((err: unknown) => replace(status, h('span', { class: 'error' }, describeError(err))));
  });
  return box;
}

/**
 * "Your handle": publish this device's keys under a handle on the chosen keyshare, so others can find
 * it; on every visit, check that the log still shows this device's own record for it.
 */
function ownHandleCard(engine: Engine, url: HTMLInputElement, verifier: HTMLInputElement): HTMLElement {
  const status = h('div', { testid: 'own-status', attrs: { role: 'status' } });
  const handle = h('input', {
    testid: 'own-handle',
    attrs: { type: 'text', id: 'own-handle', autocomplete: 'off', placeholder: 'e.g. alice.home' },
  });
  const publish = h('button', { testid: 'own-publish', attrs: { type: 'submit' } }, 'Publish my keys');
  const fail = (err: unknown) =>
    replace(
      status,
      err instanceof KeyshareUnverifiedError
        ? unverifiedNotice(err, 'own-error')
        : h('p', { class: 'error', testid: 'own-error', attrs: { role: 'alert' } }, describeError(err)),
    );
  const showOwn = (own: { handle: string; leafIndex: number }, note: string) =>
    replace(
      status,
      h(
        'p',
        { testid: 'own-published' },
        `Published as “${own.handle}” (log entry ${own.leafIndex}). ${note}`,
      ),
    );
  const check = async (): Promise<void> => {
    const own = await engine.contacts.ownHandle(url.value);
    if (!own) return;
    const key = verifier.value || (await engine.contacts.pinnedVerifier(url.value));
    if (!key) return showOwn(own, 'Enter the verifier key to check it.');
    const problem = await engine.contacts.checkOwn(url.value, key);
    if (problem)
      replace(
        status,
        h(
          'p',
          { class: 'error', testid: 'own-warning', attrs: { role: 'alert' } },
          `Warning: ${problem}. Whoever looks up “${own.handle}” may get keys that are not this device's.`,
        ),
      );
    else showOwn(own, 'Checked just now: the log still shows this device’s keys.');
  };
  void check().catch(fail);
  const form = actionForm(
    publish,
    status,
    'Publishing and checking the log…',
    () =>
      engine.contacts
        .publishOwn(url.value, verifier.value, handle.value)
        .then((own) => {
          showOwn(own, 'Others can now look this handle up and send you contact requests.');
          void engine.rendezvous.refresh().catch(() => undefined);
        })
        .catch(fail),
    h('h2', {}, 'Your handle'),
    h(
      'p',
      { class: 'hint' },
      'Publish this device’s keys on the keyshare above under a handle, for contacts who cannot scan your QR code.',
    ),
    h('label', { attrs: { for: 'own-handle' } }, 'Handle'),
    h('div', { class: 'row' }, handle, publish),
  );
  return h('section', { class: 'card' }, form, status);
}

/**
 * A form whose submit runs `action` (which shows its own result in `status`), one at a time: `button` is
 * disabled and `status` says `pending` until it settles.
 */
function actionForm(
  button: HTMLButtonElement,
  status: HTMLElement,
  pending: string,
  action: () => Promise<void>,
  ...children: Child[]
): HTMLFormElement {
  return h(
    'form',
    {
      on: {
        submit: (ev) => {
          ev.preventDefault();
          button.disabled = true;
          replace(status, h('p', {}, pending));
          void action().finally(() => {
            button.disabled = false;
          });
        },
      },
    },
    ...children,
  );
}
