// The only way this app builds DOM: elements from a tag name, attributes set one by one, and text through
// text nodes. There is no innerHTML/outerHTML/insertAdjacentHTML anywhere in the app, so nothing a peer,
// a relay or a QR code sends can become markup or script (threat-model.md §4, "no innerHTML").

/** A child: an element, or text (always inserted as a text node), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes an element may get. `testid` becomes `data-testid`; `on` wires event listeners. */
export interface Props {
  class?: string;
  testid?: string;
  attrs?: Record<string, string | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

const FORBIDDEN_ATTR = /^(on|style$|srcdoc$)/i;

/** Creates `<tag>` with props and children; text children become text nodes, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.testid) el.dataset.testid = props.testid;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    // Inline handlers and inline styles are refused by the CSP anyway; refuse them here loudly too.
    if (FORBIDDEN_ATTR.test(name)) throw new TypeError(`attribute ${name} is not allowed`);
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const [type, fn] of Object.entries(props.on ?? {})) {
    if (fn) el.addEventListener(type, fn as EventListener);
  }
  append(el, ...children);
  return el;
}

/** Appends children to `parent`; strings and numbers become text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(
      typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c,
    );
  }
}

/** Replaces every child of `parent` with `children`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** Sets an element's text (peer-controlled strings go through here or through `h`, never markup). */
export function setText(el: Node, text: string): void {
  el.textContent = text;
}
