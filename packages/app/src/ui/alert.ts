// The unmissable warning: a red banner with role="alert" at the top of every screen, for integrity errors
// and key changes. It stays until the user dismisses it (or its cause is resolved, e.g. a key accepted).
import { h, replace } from './dom.ts';

export interface AlertInfo {
  title: string;
  body: string;
  /** Reason code (e.g. the SignalingIntegrityError reason), shown for support. */
  code?: string;
  testid: string;
}

/** Owns the alert area element. */
export class AlertArea {
  readonly el: HTMLElement = h('div', { testid: 'alerts', attrs: { 'aria-live': 'assertive' } });

  /** Shows the alert; returns a function that removes it (e.g. once the user resolved its cause). */
  show(info: AlertInfo): () => void {
    const box = h(
      'div',
      { class: 'alert', testid: info.testid, attrs: { role: 'alert' } },
      h('strong', {}, info.title),
      h('span', {}, info.body),
      info.code ? h('div', { class: 'mono', testid: `${info.testid}-code` }, `reason: ${info.code}`) : null,
    );
    const dismiss = h('button', { on: { click: () => box.remove() } }, 'Dismiss');
    box.append(h('div', {}, dismiss));
    this.el.prepend(box);
    box.scrollIntoView({ block: 'nearest' });
    return () => box.remove();
  }

  clear(): void {
    replace(this.el);
  }
}
