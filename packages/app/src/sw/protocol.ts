// Messages between the page and the service worker (postMessage), and the status shown to the user.
// Both sides validate what they receive: a message is untrusted until its shape is checked.

export const MSG_TAG = 'sealpeer-integrity';

export type IntegrityState =
  | 'unsigned' // development build: no release key embedded, nothing pinned
  | 'unsupported' // no service workers here (private mode, old browser, insecure origin)
  | 'pinned' // running the pinned release; the server serves exactly it
  | 'updated' // a newer release signed by the pinned key was verified and pinned: reload to run it
  | 'warning' // the server serves something else than the pinned release; the pinned one keeps running
  | 'failed'; // first visit: what the server serves does not verify, nothing could be pinned

export interface IntegrityStatus {
  readonly state: IntegrityState;
  /** Pinned release version, when one is pinned. */
  readonly version?: string;
  /** Pinned release key as `<name>+<hex8 key ID>`. */
  readonly key?: string;
  /** What the user should know, in plain words. */
  readonly message: string;
  /** ReleaseError code behind a warning or failure. */
  readonly code?: string;
  /** The file at fault, when one is. */
  readonly file?: string;
}

export interface StatusMessage {
  readonly type: typeof MSG_TAG;
  readonly status: IntegrityStatus;
}

export interface CheckRequest {
  readonly type: typeof MSG_TAG;
  readonly op: 'check' | 'status';
}

const STATES: readonly IntegrityState[] = [
  'unsigned',
  'unsupported',
  'pinned',
  'updated',
  'warning',
  'failed',
];

const optStr = (v: unknown, max: number): v is string | undefined =>
  v === undefined || (typeof v === 'string' && v.length <= max);

export function parseStatus(v: unknown): IntegrityStatus | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (!STATES.includes(o.state as IntegrityState) || typeof o.message !== 'string' || o.message.length > 2000)
    return undefined;
  if (!optStr(o.version, 64) || !optStr(o.key, 300) || !optStr(o.code, 64) || !optStr(o.file, 600))
    return undefined;
  const out: { -readonly [K in keyof IntegrityStatus]: IntegrityStatus[K] } = {
    state: o.state as IntegrityState,
    message: o.message,
  };
  if (o.version !== undefined) out.version = o.version;
  if (o.key !== undefined) out.key = o.key;
  if (o.code !== undefined) out.code = o.code;
  if (o.file !== undefined) out.file = o.file;
  return out;
}

export function parseStatusMessage(v: unknown): IntegrityStatus | undefined {
  if (typeof v !== 'object' || v === null || (v as { type?: unknown }).type !== MSG_TAG) return undefined;
  return parseStatus((v as { status?: unknown }).status);
}

export function parseCheckRequest(v: unknown): CheckRequest | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.type !== MSG_TAG || (o.op !== 'check' && o.op !== 'status')) return undefined;
  return { type: MSG_TAG, op: o.op };
}
