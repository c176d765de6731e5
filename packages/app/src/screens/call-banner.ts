// The incoming-call banner: fixed at the top of the viewport, so a call is seen at phone width too, where
// the peer's panel (and its call button) may be far below. Answer turns on this side's camera and
// microphone; Decline hangs up (the caller is told, sealed).
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import type { PeerModel } from '../core/model.ts';
import { h, replace } from '../ui/dom.ts';

export class CallBanner {
  readonly el: HTMLElement = h('div');
  private shownFor: string | undefined;

  constructor(
    private readonly engine: Engine,
    /** Shows the peer's panel (the call's video is there). */
    private readonly select: (peerId: string) => void,
  ) {}

  /** Shows the newest incoming call among `peers`, or nothing. */
  update(peers: PeerModel[]): void {
    const ringing = peers.find((p) => p.call === 'incoming');
    if (ringing?.id === this.shownFor) return;
    this.shownFor = ringing?.id;
    if (!ringing) {
      replace(this.el);
      return;
    }
    const id = ringing.id;
    const status = h('span', {}, `Incoming call from peer ${ringing.label}`);
    const answer = h('button', { testid: 'call-answer' }, 'Answer');
    answer.addEventListener('click', () => {
      this.select(id);
      this.engine.startCall(id).catch((err: unknown) => {
        status.textContent = `Call failed: ${describeError(err)}`;
      });
    });
    const decline = h(
      'button',
      { class: 'secondary', testid: 'call-decline', on: { click: () => this.engine.endCall(id) } },
      'Decline',
    );
    const banner = h(
      'div',
      {
        class: 'call-banner',
        testid: 'incoming-call',
        attrs: { role: 'alertdialog', 'aria-label': 'Incoming call' },
      },
      status,
      answer,
      decline,
    );
    banner.dataset.peerId = id;
    replace(this.el, banner);
  }
}
