// One call for the page: `startAppIntegrity()` at boot adds the integrity panel to the page and starts
// pinning. The panel sits at the end of <body> showing "App version X · release key K"; on a warning it
// moves to the top and turns red (styled through CSSOM, which a style-src 'self' CSP allows).
import { mountIntegrityPanel } from './panel.ts';
import type { IntegrityStatus } from './protocol.ts';
import { IntegrityMonitor, startIntegrity } from './register.ts';

const ALARM = {
  background: '#8b0000',
  color: '#fff',
  padding: '0.75rem 1rem',
  fontWeight: 'bold',
  fontSize: '',
};
const QUIET = { background: '', color: '', padding: '0.5rem 1rem', fontWeight: '', fontSize: '0.8rem' };

function place(doc: Document, el: HTMLElement, s: IntegrityStatus): void {
  const alarming = s.state === 'warning' || s.state === 'failed';
  if (alarming) doc.body.prepend(el);
  else doc.body.append(el);
  Object.assign(el.style, alarming ? ALARM : QUIET);
}

export function startAppIntegrity(doc: Document = document): IntegrityMonitor {
  const monitor = new IntegrityMonitor();
  const el = doc.createElement('aside');
  el.setAttribute('aria-label', 'App integrity');
  mountIntegrityPanel(el, monitor);
  monitor.subscribe((s) => place(doc, el, s));
  void startIntegrity(monitor);
  return monitor;
}
