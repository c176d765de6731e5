// The integrity panel: "version X, release key K" and, when something is wrong, a warning the user
// cannot miss (role=alert). Text only (never innerHTML): messages may quote server-chosen file names.
import type { IntegrityStatus } from './protocol.ts';
import type { IntegrityMonitor } from './register.ts';

export function renderIntegrity(el: HTMLElement, s: IntegrityStatus): void {
  const doc = el.ownerDocument;
  const line = doc.createElement('p');
  line.dataset.testid = 'app-integrity-version';
  line.textContent =
    s.version && s.key ? `App version ${s.version} · release key ${s.key}` : 'App version: not pinned';
  const detail = doc.createElement('p');
  const alarming = s.state === 'warning' || s.state === 'failed';
  detail.dataset.testid = alarming ? 'app-integrity-warning' : 'app-integrity-state';
  if (alarming) detail.setAttribute('role', 'alert');
  detail.className = alarming ? 'integrity-warning' : 'integrity-note';
  detail.textContent = s.message;
  el.dataset.state = s.state;
  el.replaceChildren(line, detail);
}

/** Mounts the panel into `el` and keeps it current; returns an unsubscribe function. */
export function mountIntegrityPanel(el: HTMLElement, monitor: IntegrityMonitor): () => void {
  el.classList.add('integrity');
  el.dataset.testid = 'app-integrity';
  return monitor.subscribe((s) => renderIntegrity(el, s));
}
