// Shared by `sealpeer invite` and `sealpeer join` (Node only): options, identity file, JSON event output,
// and the text exchange after pairing. Exit codes: 0 ok, 1 other failure (could not connect), 2 bad usage,
// 3 integrity failure: exactly when an `integrity_error` line was printed (docs/protocol.md 2.12).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import {
  APP_TEXT_MAX_BYTES,
  type AppMessage,
  decodeAppMessage,
  encodeAppMessage,
} from '../chat/app-message.ts';
import type { SealpeerClient } from '../client.ts';
import { ready } from '../crypto/sodium.ts';
import { ConnectError, SignalingIntegrityError } from '../errors/integrity.ts';
import { Identity } from '../identity/identity.ts';
import { FileIdentityStore } from '../identity/node-file.ts';
import { KeyshareIntegrityError } from '../keyshare/errors.ts';
import type { WebSocketCtor } from '../relay/connection.ts';
import type { Session } from '../session/session.ts';
import {
  KEYSHARE_HELP,
  KEYSHARE_OPTIONS,
  KeyshareCheck,
  keyshareSpecs,
  keyshareStatePath,
} from './keyshare-check.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2, integrity: 3 } as const;

export const COMMON_HELP = `  --send TEXT       text to send, sealed, once paired (env SEALPEER_SEND)
  --json            machine output: one JSON object per line on stdout
  --identity FILE   identity file, created 0600 if missing (env SEALPEER_IDENTITY;
                    default $XDG_CONFIG_HOME/sealpeer/identity.json or ~/.config/sealpeer/identity.json)
  --ephemeral       use a throwaway identity (nothing written)
  --timeout SEC     give up when the handshake or the exchange takes longer (default 60;
                    env SEALPEER_TIMEOUT)
${KEYSHARE_HELP}
  -h, --help        this help

Output (stdout, one JSON object per line): {"event":"paired","safetyNumber":"<60 digits>",
"crossCheck":{"status":"cross_checked"|"not_cross_checked"|"nothing_to_check","logs":[...]}} once the
peer's keyshare checkpoints were checked against ours ("not_cross_checked": the peer sent none for a
log we hold, or its keyshare gave no proof), {"event":"message","text":...} for each text received,
{"event":"done"} once both texts crossed,
{"event":"ignored","reason":...} for a malformed message from the peer (shown, not fatal),
{"event":"integrity_error","reason":...} on any refusal (with "keyshareReason":"split_view" when the
peer's keyshare view contradicts ours), {"event":"error","code":...,"message":...}.
Exit codes: 0 both texts crossed, 1 network/timeout/other failure (also SIGINT/SIGTERM:
{"event":"error","code":"interrupted"}), 2 bad usage, 3 integrity failure.`;

export const COMMON_OPTIONS = {
  ...KEYSHARE_OPTIONS,
  send: { type: 'string' },
  json: { type: 'boolean' },
  identity: { type: 'string' },
  ephemeral: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

type ParseConfig<O extends Options> = { args: string[]; options: O; allowPositionals: true; strict: true };

/** parseArgs that turns every parse problem into a UsageError. */
export function parse<O extends Options>(
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<ParseConfig<O>>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true as const, strict: true as const });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The client a pairing command opened, closed once the command ends. */
export interface PairingRun {
  client?: SealpeerClient;
}

/**
 * Runs a pairing command (`sealpeer invite`, `sealpeer join`): parses argv (`--help` prints `help`),
 * then `body` checks the command's own arguments, opens the client (into `run.client`), pairs and
 * exchanges texts. Any error maps to its event line and exit code; the client is closed in the end.
 */
export async function runPairingCommand<O extends Options>(
  argv: string[],
  options: O,
  help: string,
  body: (args: ReturnType<typeof parse<O>>, run: PairingRun) => Promise<number>,
): Promise<number> {
  const run: PairingRun = {};
  try {
    const args = parse(argv, options);
    if ((args.values as { help?: boolean }).help) {
      process.stdout.write(help);
      return EXIT.ok;
    }
    return verdict(await body(args, run));
  } catch (err) {
    return verdict(report(err));
  } finally {
    run.client?.close();
  }
}

/** Whether this process printed an `integrity_error` line (then it exits 3, whatever else happened). */
let printedIntegrityError = false;

/** The exit code of a run: 3 iff an `integrity_error` was printed (2.12), else the run's own code. */
export function verdict(code: number): number {
  if (printedIntegrityError) return EXIT.integrity;
  return code === EXIT.integrity ? EXIT.failure : code;
}

export interface CommonOptions {
  send: string | undefined;
  json: boolean;
  identityPath: string | undefined;
  timeoutMs: number;
  /** The keyshares whose checkpoints are exchanged and cross-checked with the peer. */
  keyshare: KeyshareCheck;
}

export function commonOptions(v: Record<string, unknown>, env = process.env): CommonOptions {
  const timeoutText = (v.timeout as string | undefined) ?? env.SEALPEER_TIMEOUT ?? '60';
  const timeout = Number(timeoutText);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 86_400)
    throw new UsageError(`--timeout must be a number of seconds (got '${timeoutText}')`);
  const send = (v.send as string | undefined) ?? env.SEALPEER_SEND;
  if (send !== undefined && new TextEncoder().encode(send).length > APP_TEXT_MAX_BYTES)
    throw new UsageError('--send TEXT must be at most 16 KiB');
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const identityPath = v.ephemeral
    ? undefined
    : ((v.identity as string | undefined) ??
      env.SEALPEER_IDENTITY ??
      join(configHome, 'sealpeer', 'identity.json'));
  const specs = keyshareSpecs(v, (m) => new UsageError(m), env);
  const keyshare = new KeyshareCheck(specs, keyshareStatePath(v, identityPath, env));
  return { send, json: v.json === true, identityPath, timeoutMs: timeout * 1000, keyshare };
}

/** The relay server URL from --server or SEALPEER_SERVER (required, http(s)). */
export function serverOption(value: string | undefined, env = process.env): string {
  const server = value ?? env.SEALPEER_SERVER;
  if (!server) throw new UsageError('--server URL is required');
  if (!/^https?:\/\/[^/]/.test(server))
    throw new UsageError(`--server must be an http(s) URL (got '${server}')`);
  return server;
}

export async function loadIdentity(path: string | undefined): Promise<Identity> {
  await ready();
  return path ? Identity.loadOrCreate(new FileIdentityStore(path)) : Identity.generate();
}

export const NodeWebSocket = WebSocket as unknown as WebSocketCtor;

/**
 * The client options a pairing command connects with: its identity, Node's WebSocket, the timeout, and
 * the keyshare checkpoints to exchange (fetched now) with the check of the peer's.
 */
export async function clientOptions(o: CommonOptions) {
  const identity = await loadIdentity(o.identityPath);
  await o.keyshare.refresh();
  return {
    identity,
    WebSocket: NodeWebSocket,
    handshakeTimeoutMs: o.timeoutMs,
    checkpoints: o.keyshare.checkpoints,
    verifyPeerCheckpoints: o.keyshare.verify,
  };
}

/** Prints one event line (JSON) on stdout. */
export function emit(event: Record<string, unknown>): void {
  if (event.event === 'integrity_error') {
    printedIntegrityError = true;
    process.exitCode = EXIT.integrity; // also when it comes after the command returned (e.g. after done)
  }
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Human hint on stderr (only without --json). */
export function hint(o: CommonOptions, text: string): void {
  if (!o.json) process.stderr.write(`${text}\n`);
}

/**
 * Waits for the pairing, prints `paired`, then exchanges the texts. A frame the client dropped (2.8: a
 * stranger's, one for no session) proves nothing and never ends the run: it is printed as `dropped`
 * (in a shared channel, `sealpeer code`, other members' frames are expected: only a hint). A closed
 * relay connection ends the run.
 */
export async function pairAndExchange(
  client: SealpeerClient,
  pairing: Promise<Session>,
  o: CommonOptions,
  channel: 'private' | 'shared' = 'private',
) {
  let onSignal: () => void = () => {};
  const ended = new Promise<never>((_, reject) => {
    client.on('stray', (m, reason, detail) => {
      if (channel === 'shared') hint(o, `Ignored a frame of another channel member (${reason}).`);
      else emit({ event: 'dropped', reason, from: m.from, detail });
    });
    client.on('close', reject);
    // SIGINT / SIGTERM: stop waiting; the caller closes the client (sessions get BYE, socket closes).
    onSignal = () => reject(Object.assign(new Error('interrupted by a signal'), { code: 'interrupted' }));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  try {
    const session = await Promise.race([pairing, ended]);
    const crossCheck = o.keyshare.resultOf(session);
    emit({ event: 'paired', safetyNumber: session.safetyNumber, crossCheck });
    hint(o, `Paired. Compare the safety number on both devices: ${session.safetyNumberDetails?.display}`);
    for (const l of crossCheck.logs)
      if (l.status === 'not_cross_checked')
        hint(o, `Keyshare ${l.origin}: NOT cross-checked with the peer (${l.why}).`);
    return await Promise.race([exchangeTexts(session, o), ended.catch(report)]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Maps an error to its event line and exit code. */
export function report(err: unknown): number {
  if (err instanceof SignalingIntegrityError) {
    const cause = err.cause instanceof KeyshareIntegrityError ? err.cause.reason : undefined;
    emit({
      event: 'integrity_error',
      reason: err.reason,
      peerReason: err.peerReason,
      keyshareReason: cause,
      message: err.message,
    });
    return EXIT.integrity;
  }
  if (err instanceof KeyshareIntegrityError) {
    // A keyshare we use contradicts what we verified before (rollback, fork): proof, like a split view.
    emit({
      event: 'integrity_error',
      reason: 'keyshare_integrity',
      keyshareReason: err.reason,
      message: err.message,
    });
    return EXIT.integrity;
  }
  if (err instanceof ConnectError) {
    emit({
      event: 'error',
      code: err.code,
      reason: err.reason,
      peerReason: err.peerReason,
      message: `could not connect: ${err.message}`,
    });
    return EXIT.failure;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`sealpeer: ${err.message}\nRun with --help for usage.\n`);
    return EXIT.usage;
  }
  const code = (err as { code?: unknown })?.code;
  emit({
    event: 'error',
    code: typeof code === 'string' ? code : 'failed',
    message: (err as Error)?.message,
  });
  return EXIT.failure;
}

/** After pairing: send our text, print the peer's, resolve with the exit code once both crossed. */
export function exchangeTexts(session: Session, o: CommonOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    let gotText = false;
    let gotAck = false;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearInterval(pinger);
      clearTimeout(timer);
      resolve(code);
    };
    const send = (m: AppMessage) => {
      try {
        session.send(encodeAppMessage(m));
      } catch (e) {
        finish(report(session.error ?? e));
      }
    };
    const check = () => {
      if (gotText && gotAck) {
        emit({ event: 'done' });
        finish(EXIT.ok);
      }
    };
    session.on('integrity-error', (err) => finish(report(err)));
    session.on('connect-failed', (err) => finish(report(err)));
    session.on('close', (err) => {
      if (!err && !(gotText && gotAck))
        finish(report(Object.assign(new Error('the peer closed the session'), { code: 'closed' })));
    });
    // Application messages (docs/protocol.md 2.12), the same as the browser app's chat: every text is
    // printed and acknowledged; a malformed one is reported and otherwise ignored, an unknown type ignored.
    session.on('message', (bytes) => {
      if (finished) return;
      const d = decodeAppMessage(bytes);
      if (!d.ok) {
        if (d.problem !== 'unknown_type') emit({ event: 'ignored', reason: d.problem, detail: d.detail });
        return;
      }
      const m = d.message;
      if (m.t === 'text') {
        gotText = true;
        if (m.text !== null) emit({ event: 'message', text: m.text });
        send({ t: 'ack' });
      } else if (m.t === 'ack') gotAck = true;
      check();
    });
    const pinger = setInterval(() => send({ t: 'ping' }), 1000);
    const timer = setTimeout(
      () => finish(report(Object.assign(new Error('the peer did not answer in time'), { code: 'timeout' }))),
      o.timeoutMs,
    );
    send({ t: 'text', text: o.send ?? null });
  });
}
