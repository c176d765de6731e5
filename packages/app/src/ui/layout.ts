// The page frame: header with navigation, the alert area, and the main slot screens render into.
import { AlertArea } from './alert.ts';
import { connectionBanner } from './connection.ts';
import { h, replace } from './dom.ts';
import { hashOf } from './router.ts';

const NAV: ReadonlyArray<[route: string, label: string]> = [
  ['', 'Home'],
  ['device', 'Your device'],
  ['scan', 'Scan'],
  ['code', 'Short code'],
  ['contacts', 'Contacts'],
];

export class Layout {
  readonly alerts = new AlertArea();
  readonly main: HTMLElement = h('main', { testid: 'main', attrs: { tabindex: '-1' } });
  private readonly links = new Map<string, HTMLAnchorElement>();

  constructor(root: HTMLElement) {
    const nav = h('nav', { class: 'main', attrs: { 'aria-label': 'Main' } });
    for (const [route, label] of NAV) {
      const a = h('a', { testid: `nav-${route || 'home'}`, attrs: { href: hashOf(route) } }, label);
      this.links.set(route, a);
      nav.append(a);
    }
    const header = h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', attrs: { href: hashOf('') } }, 'sealpeer'),
      nav,
    );
    replace(root, header, connectionBanner(), this.alerts.el, this.main);
  }

  /** Shows `content` as the current screen and marks the active navigation entry. */
  show(route: string, ...content: Node[]): void {
    for (const [r, a] of this.links) {
      if (r === route) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    replace(this.main, ...content);
  }
}
