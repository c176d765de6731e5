// "Link another device" (docs/protocol.md 2.15): on the Device screen, a QR code the user's other device
// scans; on the scanning device's pairing, what the transfer holds and an Import button. Nothing is
// imported before the user confirms.
import { describeError } from '../core/context.ts';
import type { LinkOffer, LinkSendState } from '../core/device-link.ts';
import type { Engine } from '../core/engine-api.ts';
import { groupDigits } from '../core/model.ts';
import { drawQr } from '../qr/render.ts';
import { h, replace } from '../ui/dom.ts';

const SEND_TEXT: Record<LinkSendState['state'], string> = {
  waiting: 'Scan this QR code with your other device (its Scan screen). It works once, for 10 minutes.',
  sending: 'Paired: sending your contacts and keyshare keys, sealed…',
  sent: '',
  failed: 'The link did not complete',
};

/** The sender's card on the Device screen. */
export function linkDeviceCard(engine: Engine): { el: HTMLElement; dispose(): void } {
  const status = h('p', { testid: 'link-status', attrs: { role: 'status' } });
  const qrSlot = h('div');
  let cancel: (() => void) | undefined;
  const show = (s: LinkSendState): void => {
    status.dataset.state = s.state;
    status.textContent =
      s.state === 'sent'
        ? `Sent ${s.contacts} contact(s) and ${s.keyshares} keyshare key(s) to the device with fingerprint ${groupDigits(s.to).slice(0, 2).join(' ')}… Check that this is your other device’s Device screen.`
        : s.state === 'failed'
          ? `${SEND_TEXT.failed}: ${s.message}`
          : SEND_TEXT[s.state];
    if (s.state !== 'waiting') replace(qrSlot);
  };
  const start = h('button', { testid: 'link-device' }, 'Link another device');
  start.addEventListener('click', () => {
    cancel?.();
    start.disabled = true;
    engine
      .linkDevice(show)
      .then(async (link) => {
        cancel = link.cancel;
        const canvas = h('canvas', {
          testid: 'link-qr',
          attrs: { role: 'img', 'aria-label': 'Device link QR code: scan it with your other device' },
        });
        await drawQr(canvas, link.uri);
        if (status.dataset.state === 'waiting') replace(qrSlot, canvas);
      })
      .catch((err: unknown) => show({ state: 'failed', message: describeError(err) }))
      .finally(() => {
        start.disabled = false;
      });
  });
  const el = h(
    'section',
    { class: 'card', testid: 'link-card' },
    h('h2', {}, 'Link another device'),
    h(
      'p',
      { class: 'hint' },
      'Moves your contacts (names, keys, whether you verified them) and the keyshare keys pinned here to your other device, sealed end to end: no copying, nothing the relay can read or change. Only your own devices should scan this code.',
    ),
    h('div', { class: 'row' }, start),
    qrSlot,
    status,
  );
  return { el, dispose: () => cancel?.() };
}

function offerBody(engine: Engine, peerId: string, offer: LinkOffer): HTMLElement[] {
  if (offer.state === 'receiving')
    return [h('p', { attrs: { role: 'status' } }, 'Receiving from your other device…')];
  if (offer.state === 'refused')
    return [
      h(
        'p',
        { class: 'error', testid: 'link-offer-error', attrs: { role: 'alert' } },
        `${offer.message} (${offer.code}). Nothing was imported.`,
      ),
    ];
  const { contacts, keyshares } = offer.transfer;
  const status = h('p', { testid: 'link-import-status', attrs: { role: 'status' } });
  status.dataset.state = offer.state;
  if (offer.state === 'imported')
    status.textContent = 'Imported. Your contacts and keyshares are on the Contacts screen.';
  const importBtn = h('button', { testid: 'link-import' }, 'Import');
  importBtn.disabled = offer.state !== 'offered';
  importBtn.addEventListener('click', () => {
    importBtn.disabled = true;
    engine.importLink(peerId).catch((err: unknown) => {
      status.textContent = describeError(err);
      status.className = 'error';
    });
  });
  return [
    h(
      'p',
      {},
      `The device with fingerprint ${groupDigits(offer.from).slice(0, 2).join(' ')}… (whose QR code you scanned) sends:`,
    ),
    h(
      'ul',
      { class: 'plain', testid: 'link-offer-contacts' },
      ...contacts.map((c) =>
        h(
          'li',
          {},
          c.name,
          ' ',
          h('span', { class: 'hint' }, c.verified ? `verified (${c.verified.how})` : 'unverified'),
        ),
      ),
    ),
    h(
      'ul',
      { class: 'plain', testid: 'link-offer-keyshares' },
      ...keyshares.map((k) =>
        h(
          'li',
          {},
          `Keyshare ${k.url} (key ${k.name})`,
          k.witnesses ? `, ${k.witnesses.quorum} of ${k.witnesses.keys.length} witnesses` : '',
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      'Import only if you scanned this code from your own device: verified contacts stay verified here.',
    ),
    h('div', { class: 'row' }, importBtn),
    status,
  ];
}

/** The receiver's card on a pairing's screen: shown once a transfer arrived (or was refused). */
export class LinkOfferCard {
  readonly el: HTMLElement = h('section', { class: 'card hidden', testid: 'link-offer' });
  private shown = '';

  update(engine: Engine, peerId: string | undefined): void {
    const offer = peerId ? engine.linkOffer(peerId) : undefined;
    const key = offer && peerId ? `${peerId}|${offer.state}` : '';
    if (key === this.shown) return;
    this.shown = key;
    this.el.classList.toggle('hidden', !offer);
    if (!offer || !peerId) replace(this.el);
    else replace(this.el, h('h2', {}, 'From your other device'), ...offerBody(engine, peerId, offer));
  }
}
