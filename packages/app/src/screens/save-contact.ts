// "Save as contact" under a pairing: once the sealed session is open, the user may keep the peer's
// identity under a name, to reach it later from Contacts without a new invite (issue 15).
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import type { PeerModel } from '../core/model.ts';
import { h, replace } from '../ui/dom.ts';

export class SaveContactBox {
  readonly el = h('div', { class: 'save-contact', testid: 'save-contact-box' });
  private readonly name = h('input', {
    testid: 'save-contact-name',
    attrs: { type: 'text', maxlength: '64', autocomplete: 'off', 'aria-label': 'Contact name' },
  });
  private readonly button = h(
    'button',
    { testid: 'save-contact', attrs: { type: 'submit' } },
    'Save as contact',
  );
  private readonly status = h('p', { attrs: { role: 'status' } });
  private readonly form: HTMLFormElement;

  constructor(
    private readonly engine: Engine,
    private readonly peerId: string,
  ) {
    this.form = h(
      'form',
      {
        on: {
          submit: (ev) => {
            ev.preventDefault();
            this.button.disabled = true;
            this.engine
              .saveContact(this.peerId, this.name.value)
              .then(() => this.update(this.engine.peer(this.peerId)))
              .catch((err: unknown) =>
                replace(this.status, h('span', { class: 'error' }, describeError(err))),
              )
              .finally(() => {
                this.button.disabled = false;
              });
          },
        },
      },
      h('label', {}, 'Talk again later without a new invite: '),
      h('div', { class: 'row' }, this.name, this.button),
    );
  }

  update(peer: PeerModel | undefined): void {
    const saved = this.engine.savedContactOf(this.peerId);
    if (saved) {
      replace(
        this.el,
        h('p', { testid: 'saved-contact-note' }, `Saved as contact “${saved.name}”. Reach it from Contacts.`),
      );
      return;
    }
    if (peer?.link !== 'open' || peer.trust === 'key-changed' || peer.pendingRequest) {
      replace(this.el);
      return;
    }
    if (!this.el.contains(this.form)) replace(this.el, this.form, this.status);
  }
}
