// Scan: read an invite QR with the camera (BarcodeDetector, else bundled jsQR) or from an image file.
// Whatever is decoded is treated as untrusted text and handed to the invite parser.
import { type AppContext, describeError } from '../core/context.ts';
import { decodeImageFile, decodeVideoFrame, platformDetector } from '../qr/decode.ts';
import { h } from '../ui/dom.ts';
import type { Screen } from '../ui/screen.ts';

export function scanScreen(ctx: AppContext): Screen {
  const status = h('p', { testid: 'scan-status', attrs: { role: 'status' } });
  const video = h('video', {
    class: 'hidden',
    attrs: { muted: true, playsinline: true, 'aria-label': 'Camera' },
  });
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = undefined;
    video.classList.add('hidden');
  };

  const found = (text: string): void => {
    stop();
    status.textContent = 'Found a code; opening it…';
    ctx.openInvite(text);
  };

  const startCamera = async (): Promise<void> => {
    stop();
    if (!navigator.mediaDevices?.getUserMedia) {
      status.textContent = 'This browser gives no camera access here. Choose an image of the code instead.';
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
    } catch (err) {
      status.textContent = `No camera: ${describeError(err)}. Choose an image of the code instead.`;
      return;
    }
    video.srcObject = stream;
    video.classList.remove('hidden');
    await video.play().catch(() => undefined);
    const detector = await platformDetector();
    status.textContent = 'Point the camera at the invite QR code.';
    const tick = async (): Promise<void> => {
      if (!stream) return;
      const text = await decodeVideoFrame(video, detector);
      if (text) found(text);
      else timer = setTimeout(() => void tick(), 250);
    };
    void tick();
  };

  const file = h('input', {
    testid: 'scan-file',
    attrs: { type: 'file', accept: 'image/*', id: 'scan-file' },
    on: {
      change: () => {
        const f = file.files?.[0];
        if (!f) return;
        status.textContent = 'Reading the image…';
        decodeImageFile(f)
          .then((text) => {
            if (text) found(text);
            else status.textContent = 'No QR code found in that image. Try a sharper, closer picture.';
          })
          .catch((err: unknown) => {
            status.textContent = `Could not read that image: ${describeError(err)}`;
          });
      },
    },
  });

  const el = h(
    'div',
    { testid: 'screen-scan', class: 'scan' },
    h('h1', {}, 'Scan an invite'),
    h(
      'p',
      { class: 'hint' },
      'Scan the QR code shown on the other device, or choose a photo or screenshot of it.',
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { testid: 'scan-camera', on: { click: () => void startCamera() } }, 'Use camera'),
    ),
    video,
    h('label', { attrs: { for: 'scan-file' } }, 'Or choose an image of the code'),
    file,
    status,
  );
  return { el, dispose: stop };
}
