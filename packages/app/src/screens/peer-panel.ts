// One peer: its trust state, the safety number to compare side by side, chat (sealed application
// messages through the relay session), and an optional call over WebRTC. Everything the peer sent is shown as text. A failed session (integrity
// error, key change) shows why in red and offers no way to talk.
import { describeError } from '../core/context.ts';
import type { Engine } from '../core/engine-api.ts';
import { groupDigits, type PeerModel } from '../core/model.ts';
import { h, replace } from '../ui/dom.ts';
import { SaveContactBox } from './save-contact.ts';

const TRUST_TEXT: Record<PeerModel['trust'], string> = {
  unverified: 'unverified',
  verified: 'verified',
  'key-changed': 'key changed',
};

const RTC_TEXT: Record<PeerModel['rtc'], string> = {
  idle: 'not connected',
  connecting: 'direct link connecting… (chat works meanwhile, sealed through the relay)',
  open: 'connected (end-to-end encrypted)',
  closed: 'closed',
  failed: 'connection failed',
  'no-relay':
    'no direct link: your IP address stays hidden and this server gave no TURN relay (chat works, sealed through the relay; calls cannot)',
};

const CALL_TEXT: Record<PeerModel['call'], string> = {
  none: '',
  outgoing: 'Calling…',
  incoming: 'Incoming call',
  active: 'In a call',
  ended: 'Call ended',
};

/** The trust badge of a peer, with its state in data-state for tests. */
export function trustBadge(peer: PeerModel): HTMLElement {
  const el = h('span', { class: `badge ${peer.trust}`, testid: 'peer-trust' }, TRUST_TEXT[peer.trust]);
  el.dataset.state = peer.trust;
  return el;
}

const CROSS_CHECK_TEXT: Record<Exclude<PeerModel['crossCheck'], 'none'>, string> = {
  pending: 'checking keyshare views…',
  'cross-checked': 'keyshare views cross-checked',
  'not-cross-checked': 'not cross-checked: the peer showed no keyshare checkpoint to compare',
};

/**
 * The keyshare cross-check label (docs/protocol.md 2.6). "not cross-checked" is shown, never hidden: the
 * peer sent no checkpoint of a log this device uses (or no proof could be had), so a split view between
 * the two of you would go unnoticed. Nothing is shown when this device uses no keyshare.
 */
export function crossCheckBadge(peer: PeerModel): HTMLElement | null {
  if (peer.crossCheck === 'none') return null;
  const cls = peer.crossCheck === 'cross-checked' ? 'verified' : 'unverified';
  const el = h(
    'span',
    { class: `badge ${cls}`, testid: 'peer-crosscheck', attrs: { title: peer.crossCheckDetail } },
    CROSS_CHECK_TEXT[peer.crossCheck],
  );
  el.dataset.state = peer.crossCheck;
  return el;
}

function digitsGrid(digits: string, testid: string): HTMLElement {
  return h('div', { class: 'digits', testid }, ...groupDigits(digits).map((g) => h('span', {}, g)));
}

export class PeerPanel {
  readonly el: HTMLElement = h('section', { class: 'card', testid: 'peer-panel' });
  private readonly head = h('div');
  private readonly safety = h('div');
  private readonly log = h('div', {
    class: 'chat-log',
    testid: 'chat-log',
    attrs: { role: 'log', 'aria-live': 'polite' },
  });
  private readonly input = h('input', {
    testid: 'chat-input',
    attrs: { type: 'text', maxlength: '4000', autocomplete: 'off', 'aria-label': 'Message' },
  });
  private readonly sendBtn = h('button', { testid: 'chat-send', attrs: { type: 'submit' } }, 'Send');
  private readonly rtcState = h('p', { testid: 'rtc-state', attrs: { role: 'status' } });
  /** Whether this peer can see this device's IP address (docs/threat-model.md, "What a peer learns"). */
  private readonly ipState = h('p', { class: 'hint', testid: 'peer-ip' });
  private readonly call = h('div', { class: 'call' });
  private readonly callState = h('p', {
    class: 'call-state',
    testid: 'call-state',
    attrs: { role: 'status' },
  });
  private readonly localVideo = h('video', {
    testid: 'local-video',
    attrs: { muted: true, autoplay: true, playsinline: true },
  });
  private readonly remoteVideo = h('video', {
    testid: 'remote-video',
    attrs: { autoplay: true, playsinline: true },
  });
  private readonly callBtn = h(
    'button',
    { class: 'secondary', testid: 'call-start' },
    'Start audio/video call',
  );
  private renderedLines = 0;
  private readonly save: SaveContactBox;

  constructor(
    private readonly engine: Engine,
    readonly peerId: string,
  ) {
    this.save = new SaveContactBox(engine, peerId);
    const form = h(
      'form',
      {
        on: {
          submit: (ev) => {
            ev.preventDefault();
            const text = this.input.value;
            if (!text.trim()) return;
            this.engine.sendChat(this.peerId, text);
            this.input.value = '';
          },
        },
      },
      h('div', { class: 'row' }, this.input, this.sendBtn),
    );
    this.callBtn.addEventListener('click', () => {
      const peer = this.engine.peer(this.peerId);
      if (peer?.localStream) this.engine.endCall(this.peerId);
      else
        this.engine
          .startCall(this.peerId)
          .catch((err: unknown) => this.system(`Call failed: ${describeError(err)}`));
    });
    this.localVideo.muted = true;
    replace(this.call, this.localVideo, this.remoteVideo);
    replace(
      this.el,
      this.head,
      this.safety,
      this.save.el,
      h('h2', {}, 'Chat'),
      this.rtcState,
      this.ipState,
      this.log,
      form,
      h('div', { class: 'row' }, this.callBtn),
      this.callState,
      this.call,
    );
    this.update();
  }

  private system(text: string): void {
    this.log.append(h('div', { class: 'msg system' }, text));
  }

  update(): void {
    const peer = this.engine.peer(this.peerId);
    if (!peer) return;
    this.el.dataset.link = peer.link;
    this.el.dataset.rtc = peer.rtc;
    this.el.dataset.dtls = peer.dtls;
    replace(
      this.head,
      h('h2', {}, `Peer ${peer.label} `, trustBadge(peer)),
      peer.link === 'open' ? h('p', {}, crossCheckBadge(peer)) : null,
      peer.error
        ? h(
            'div',
            { class: 'alert', testid: 'peer-error', attrs: { role: 'alert' } },
            h(
              'strong',
              {},
              peer.error.reason === 'key_changed' ? 'Key changed: blocked' : 'Connection refused',
            ),
            h('span', {}, peer.error.message),
            h('div', { class: 'mono' }, `reason: ${peer.error.reason}`),
          )
        : null,
    );
    this.renderSafety(peer);
    this.save.update(peer);
    // Chat needs only the sealed session; a call needs the WebRTC link too.
    const canTalk = peer.link === 'open' && peer.trust !== 'key-changed' && !peer.pendingRequest;
    this.input.disabled = !canTalk;
    this.sendBtn.disabled = !canTalk;
    this.callBtn.disabled = !canTalk || peer.rtc !== 'open';
    this.callBtn.textContent = peer.localStream
      ? 'End call'
      : peer.remoteStream
        ? 'Answer call (turn on your camera and microphone)'
        : 'Start audio/video call';
    const reviewing = peer.link === 'open' && peer.peerReview === 'pending' && peer.rtc !== 'open';
    this.rtcState.textContent = reviewing
      ? 'waiting for the peer to review your new key'
      : peer.link === 'open'
        ? RTC_TEXT[peer.rtc]
        : `session ${peer.link}`;
    this.rtcState.dataset.state = peer.rtc;
    this.ipState.dataset.state = peer.hideIp === undefined ? 'pending' : peer.hideIp ? 'hidden' : 'visible';
    this.ipState.textContent =
      peer.hideIp === undefined
        ? ''
        : peer.rtc === 'no-relay'
          ? 'Your IP address is hidden from this peer: no direct link without a TURN relay.'
          : peer.hideIp
            ? 'Your IP address is hidden from this peer: the direct link goes through a TURN relay only.'
            : 'This peer can see your IP address (direct link). “Hide my IP address” (Device, or per contact) relays it instead.';
    this.rtcState.dataset.review = peer.peerReview;
    this.callState.textContent = CALL_TEXT[peer.call];
    this.callState.dataset.state = peer.call;
    for (const line of peer.messages.slice(this.renderedLines)) {
      const who = line.from === 'me' ? 'You' : line.from === 'peer' ? peer.label : '·';
      this.log.append(
        h('div', { class: `msg ${line.from}`, testid: `chat-${line.from}` }, `${who}: ${line.text}`),
      );
    }
    this.renderedLines = peer.messages.length;
    this.log.scrollTop = this.log.scrollHeight;
    this.call.classList.toggle('hidden', !peer.localStream && !peer.remoteStream);
    if (this.localVideo.srcObject !== (peer.localStream ?? null))
      this.localVideo.srcObject = peer.localStream ?? null;
    if (this.remoteVideo.srcObject !== (peer.remoteStream ?? null))
      this.remoteVideo.srcObject = peer.remoteStream ?? null;
  }

  /** The pair's 60 digits as two labelled halves, "This device" and "The peer" (as when pairing). */
  private safetyHalves(digits: string): HTMLElement {
    const half = Math.floor(digits.length / 2);
    const mine = this.engine.device().fingerprint;
    // Signal's layout: the pair's number is both parties' 30 digits, the smaller first; label each half.
    const whose = (part: string): string => (part === mine ? 'This device' : 'The peer');
    const column = (part: string, testid: string): HTMLElement =>
      h('div', {}, h('h3', {}, whose(part)), digitsGrid(part, testid));
    return h(
      'div',
      { class: 'safety', testid: 'safety-number' },
      column(digits.slice(0, half), 'safety-first'),
      column(digits.slice(half), 'safety-second'),
    );
  }

  private renderSafety(peer: PeerModel): void {
    if (peer.trust === 'key-changed') {
      const accept = h('button', { class: 'danger', testid: 'accept-key-change' }, 'Accept the new key');
      accept.addEventListener('click', () => {
        accept.disabled = true;
        this.engine.acceptKeyChange(this.peerId).catch((err: unknown) => {
          accept.disabled = false;
          this.system(`The key was not accepted: ${describeError(err)}`);
        });
      });
      replace(
        this.safety,
        h('h2', {}, 'New safety number'),
        h(
          'p',
          {},
          'This contact now uses a different key. It may be a new device — or someone in the middle. ',
          'Nothing is sent to it until you accept the new key. Compare these digits with theirs in person ',
          'first: both devices show the same 60 digits when nobody is in the middle.',
        ),
        peer.safetyNumber ? this.safetyHalves(peer.safetyNumber) : null,
        accept,
      );
      return;
    }
    if (!peer.safetyNumber) {
      replace(this.safety, h('p', { class: 'muted' }, 'Pairing…'));
      return;
    }
    const verify = h(
      'button',
      { testid: 'mark-verified', attrs: { disabled: peer.trust === 'verified' } },
      'Mark as verified',
    );
    verify.addEventListener('click', () => void this.engine.markVerified(this.peerId));
    replace(
      this.safety,
      h('h2', {}, 'Safety number'),
      h(
        'p',
        { class: 'hint' },
        'Both devices show these same 60 digits, in the same order, when nobody is in the middle. ',
        'Put the screens side by side or read them aloud, then mark the peer verified.',
      ),
      this.safetyHalves(peer.safetyNumber),
      peer.trust === 'verified' ? h('p', { testid: 'verified-note' }, 'You verified this peer.') : verify,
    );
  }
}
