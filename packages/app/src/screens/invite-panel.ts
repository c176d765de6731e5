// Invite by QR: the QR code, the same link beside it as text (copyable), and a countdown to its expiry.
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { drawQr } from '../qr/render.ts';
import { h, replace } from '../ui/dom.ts';

/** mm:ss of a remaining duration. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class InvitePanel {
  readonly el: HTMLElement = h('section', {
    class: 'card',
    testid: 'invite-panel',
    attrs: { 'aria-label': 'Invite' },
  });
  private timer: ReturnType<typeof setInterval> | undefined;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly channelId: string,
  ) {}

  async open(): Promise<void> {
    this.close();
    replace(this.el, h('p', { attrs: { role: 'status' } }, 'Creating an invite…'));
    try {
      const invite = await this.engine.createInvite(this.channelId);
      this.cancel = invite.cancel;
      const canvas = h('canvas', {
        testid: 'invite-qr',
        attrs: { role: 'img', 'aria-label': 'Invite QR code: scan it with the other device' },
      });
      await drawQr(canvas, invite.uri);
      const countdown = h('p', { testid: 'invite-countdown', attrs: { 'aria-live': 'off' } });
      const link = h('input', {
        testid: 'invite-link',
        attrs: { type: 'text', readonly: true, value: invite.uri, 'aria-label': 'Invite link' },
      });
      const copy = h(
        'button',
        {
          class: 'secondary',
          on: {
            click: () => {
              link.select();
              void navigator.clipboard?.writeText(invite.uri).catch(() => undefined);
            },
          },
        },
        'Copy link',
      );
      const tick = (): void => {
        const left = invite.expiresAt - Date.now();
        countdown.textContent =
          left > 0
            ? `Expires in ${formatRemaining(left)} · works once`
            : 'This invite has expired. Make a new one.';
        if (left <= 0) {
          canvas.classList.add('hidden');
          this.stopTimer();
        }
      };
      tick();
      this.timer = setInterval(tick, 1000);
      replace(
        this.el,
        h('h2', {}, 'Invite by QR'),
        h(
          'div',
          { class: 'invite' },
          canvas,
          h(
            'div',
            { class: 'link' },
            h('p', {}, 'Scan this with the other device, or send it the link through a channel you trust.'),
            link,
            h('div', { class: 'row' }, copy),
            countdown,
            h(
              'p',
              { class: 'hint' },
              'The secret is in the part after # of the link: it never reaches the server.',
            ),
          ),
        ),
      );
    } catch (err) {
      replace(this.el, h('p', { class: 'error', testid: 'invite-error' }, describeError(err)));
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stopTimer();
    this.cancel?.();
    this.cancel = undefined;
    replace(this.el);
  }
}
