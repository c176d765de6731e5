// Short code (no camera): show a one-try code on one device, type it on the other; both are in the same
// channel. Format NNN-DDDDDD (docs/protocol.md 2.7).
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { h, replace } from '../ui/dom.ts';

const CODE = /^\d{3}-\d{6}$/;

/** Normalises what a user typed (spaces, no dash) to NNN-DDDDDD, or undefined when it cannot be one. */
export function normaliseCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(digits)) return undefined;
  const code = `${digits.slice(0, 3)}-${digits.slice(3)}`;
  return CODE.test(code) ? code : undefined;
}

export class CodePanel {
  readonly el: HTMLElement = h('section', {
    class: 'card',
    testid: 'code-panel',
    attrs: { 'aria-label': 'Short code' },
  });
  private cancel: (() => void) | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly channelId: string,
    private readonly onPeer: (peerId: string) => void,
  ) {}

  async show(): Promise<void> {
    this.close();
    replace(this.el, h('p', { attrs: { role: 'status' } }, 'Making a code…'));
    try {
      const shown = await this.engine.showCode(this.channelId);
      this.cancel = shown.cancel;
      replace(
        this.el,
        h('h2', {}, 'Short code'),
        h('p', {}, 'On the other device, open this same channel, choose "Type a code" and enter:'),
        h('p', { class: 'code-big', testid: 'code-shown' }, shown.code),
        h(
          'p',
          { class: 'hint' },
          'It works for one try only. If the other device types it wrong, make a new code.',
        ),
      );
    } catch (err) {
      replace(this.el, h('p', { class: 'error', testid: 'code-error' }, describeError(err)));
    }
  }

  type(): void {
    this.close();
    const input = h('input', {
      testid: 'code-input',
      attrs: {
        type: 'text',
        id: 'code-input',
        inputmode: 'numeric',
        autocomplete: 'off',
        placeholder: '123-456789',
      },
    });
    const status = h('p', { testid: 'code-status', attrs: { role: 'status' } });
    const go = h('button', { testid: 'code-join', attrs: { type: 'submit' } }, 'Pair');
    const form = h(
      'form',
      {
        on: {
          submit: (ev) => {
            ev.preventDefault();
            const code = normaliseCode(input.value);
            if (!code) {
              status.textContent = 'A code is 9 digits, like 123-456789.';
              status.className = 'error';
              return;
            }
            go.disabled = true;
            status.className = '';
            status.textContent = 'Pairing…';
            this.engine
              .joinWithCode(this.channelId, code)
              .then(({ peerId }) => {
                status.textContent = 'Paired.';
                this.onPeer(peerId);
              })
              .catch((err: unknown) => {
                status.className = 'error';
                status.textContent = `${describeError(err)}. Ask for a new code and try again.`;
                go.disabled = false;
              });
          },
        },
      },
      h('h2', {}, 'Type a code'),
      h('label', { attrs: { for: 'code-input' } }, 'Code shown on the other device'),
      h('div', { class: 'row' }, input, go),
      status,
    );
    replace(this.el, form);
    input.focus();
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    replace(this.el);
  }
}
