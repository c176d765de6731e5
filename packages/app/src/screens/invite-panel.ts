// Invite by QR: the QR code, the same link beside it as text (copyable), and a countdown to its expiry.
// While the relay connection is away nobody can use the invite: the QR is hidden and the countdown says
// so (paused); both come back with the relay, the invite still valid until its own expiry.
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { drawQr } from '../qr/render.ts';
import { h, replace } from '../ui/dom.ts';

/** mm:ss of a remaining duration. */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export type InviteRelay = 'up' | 'away' | 'dead';
type InviteShown = 'live' | 'paused' | 'dead' | 'expired';
const RELAY_TO_SHOWN: Record<InviteRelay, InviteShown> = { up: 'live', away: 'paused', dead: 'dead' };

export class InvitePanel {
  readonly el: HTMLElement = h('section', {
    class: 'card',
    testid: 'invite-panel',
    attrs: { 'aria-label': 'Invite' },
  });
  private timer: ReturnType<typeof setInterval> | undefined;
  private cancel: (() => void) | undefined;
  private relay: InviteRelay = 'up';
  /** Redraws the countdown (set while an invite is shown). */
  private tick: (() => void) | undefined;

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
      const how = h(
        'p',
        {},
        'Scan this with the other device, or send it the link through a channel you trust.',
      );
      const tick = (): void => {
        const left = invite.expiresAt - Date.now();
        const state: InviteShown = left <= 0 ? 'expired' : RELAY_TO_SHOWN[this.relay];
        countdown.dataset.state = state;
        countdown.textContent = {
          expired: 'This invite has expired. Make a new one.',
          dead: 'This invite ended with the relay connection. Make a new one once you are connected again.',
          paused: `Paused: the relay connection is lost, so nobody can use this invite now. It comes back with the relay (it still expires in ${formatRemaining(left)}).`,
          live: `Expires in ${formatRemaining(left)} · works once`,
        }[state];
        // Only a usable invite is shown: no QR or link to hand out while nobody can answer it.
        for (const e of [canvas, how, link, copy]) e.classList.toggle('hidden', state !== 'live');
        if (state === 'expired' || state === 'dead') this.stopTimer();
      };
      this.tick = tick;
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
            how,
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

  /** The relay connection is up (the invite can be used), away (paused) or gone for good (dead). */
  setRelay(relay: InviteRelay): void {
    if (relay === this.relay) return;
    this.relay = relay;
    this.tick?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stopTimer();
    this.tick = undefined;
    this.cancel?.();
    this.cancel = undefined;
    replace(this.el);
  }
}
