// The keyshare's witnesses (C2SP tlog-witness, docs/operators/witness.md): pin their cosigner keys and a
// quorum k next to the log verifier key; every later answer from that keyshare must carry k valid
// cosignatures. How a keyshare answer that fails is shown: proof of tampering (KeyshareIntegrityError,
// e.g. a forged cosignature) is the red alarm; a missing quorum (KeyshareUnverifiedError: a witness may
// be down, lines stripped) is a neutral "could not verify" (docs/errors.md §Keyshare).
import { KeyshareIntegrityError, KeyshareUnverifiedError } from '@sealpeer/client';
import type { AppContext } from '../core/context.ts';
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { parseWitnessPins, type WitnessPins } from '../core/witness-pins.ts';
import { h, replace } from '../ui/dom.ts';

const pinnedText = (p: WitnessPins | undefined): string =>
  p
    ? `Pinned: ${p.quorum} of ${p.keys.length} witness${p.keys.length === 1 ? '' : 'es'} must cosign this keyshare’s checkpoints.`
    : 'No witnesses pinned for this keyshare.';

/** The neutral "could not verify" line for a missing witness quorum (no alarm). */
export function unverifiedNotice(err: KeyshareUnverifiedError, testid: string): HTMLElement {
  const p = h(
    'p',
    { class: 'notice', testid, attrs: { role: 'status' } },
    'Could not verify: not enough witnesses cosigned the keyshare’s checkpoint ',
    `(${err.message.slice(err.message.lastIndexOf(': ') + 2)}). `,
    'A witness may be down or the answer was cut short. The key was not used; try again later.',
  );
  p.dataset.kind = 'unverified';
  return p;
}

/** Shows a failed keyshare answer in `target`: neutral for "could not verify", red alarm for proof. */
export function showKeyshareFailure(ctx: AppContext, target: HTMLElement, err: unknown): void {
  if (err instanceof KeyshareUnverifiedError) {
    replace(target, unverifiedNotice(err, 'contact-error'));
    return;
  }
  const p = h('p', { class: 'error', testid: 'contact-error' }, describeError(err));
  if (err instanceof KeyshareIntegrityError) {
    p.dataset.kind = 'integrity';
    ctx.alerts.show({
      title: 'The keyshare’s answer was tampered with',
      body: 'It failed a cryptographic check; the key in it was not used. The keyshare or the network may be attacking you.',
      code: err.reason,
      testid: 'keyshare-alarm',
    });
  }
  replace(target, p);
}

/** "Witnesses" card for the keyshare in `url`: pin keys and a quorum, or unpin them. */
export function witnessCard(engine: Engine, url: HTMLInputElement): HTMLElement {
  const keys = h('textarea', {
    testid: 'witness-keys',
    attrs: { id: 'witness-keys', rows: '3', autocomplete: 'off', placeholder: 'name+hash+key, one per line' },
  });
  const quorum = h('input', {
    testid: 'witness-quorum',
    attrs: { type: 'number', id: 'witness-quorum', min: '1', value: '1' },
  });
  const status = h('p', { class: 'hint', testid: 'witness-status', attrs: { role: 'status' } });
  const save = h('button', { testid: 'witness-pin', attrs: { type: 'submit' } }, 'Pin witnesses');
  const load = async (): Promise<void> => {
    const pins = await engine.contacts.pinnedWitnesses(url.value);
    keys.value = pins?.keys.join('\n') ?? '';
    quorum.value = String(pins?.quorum ?? 1);
    status.textContent = pinnedText(pins);
  };
  const fail = (err: unknown) => {
    status.textContent = describeError(err);
  };
  void load().catch(fail);
  url.addEventListener('change', () => void load().catch(fail));
  const form = h(
    'form',
    {
      on: {
        submit: (ev) => {
          ev.preventDefault();
          status.textContent = '';
          void (async () => {
            const pins = parseWitnessPins(keys.value, quorum.value);
            await engine.contacts.pinWitnesses(url.value, pins);
            status.textContent = pinnedText(pins ?? undefined);
          })().catch(fail);
        },
      },
    },
    h('h2', {}, 'Witnesses'),
    h(
      'p',
      { class: 'hint' },
      'Optional: cosigner keys of independent witnesses of this keyshare’s log. Lookups then need at least the quorum of their cosignatures; leave empty to unpin.',
    ),
    h('label', { attrs: { for: 'witness-keys' } }, 'Witness keys'),
    keys,
    h('label', { attrs: { for: 'witness-quorum' } }, 'Quorum (how many must cosign)'),
    h('div', { class: 'row' }, quorum, save),
  );
  return h('section', { class: 'card', testid: 'witness-card' }, form, status);
}
