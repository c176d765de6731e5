// Load generator process: opens the given clients against one relay and drives it, either closed-loop
// (a fixed number of messages in flight per pair, each arrival answered by a new message) or open-loop at
// a fixed total rate. Each payload carries its send time, so latency is measured end to end in this
// process with one clock. Built to be cheap per message (reused buffers, no JSON parsing) so that the
// relay, not the generator, is the bottleneck: its own CPU use is reported beside the results.
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { serve, usage } from '../lib/child.ts';
import { type GcWindow, watchGc } from '../lib/gc-window.ts';
import { type LatencySummary, Samples, summarise } from '../lib/stats.ts';
import { type ClientSpec, frameParts, type TargetKind } from './clients.ts';

const MARKER = Buffer.from('BENCHT');
const STAMP_DIGITS = 13;
const t0 = performance.now();
/** Microseconds since this process started, as an integer. */
const nowUs = (): number => Math.round((performance.now() - t0) * 1000);

interface Conn {
  ws: WebSocket;
  /** The TCP socket under `ws`, corked while a tick's frames to it are queued (one writev per tick). */
  sock: Socket;
  corked: boolean;
  /** Reusable outgoing frame to the partner; the stamp digits are rewritten per send. */
  frame: Buffer;
  stampAt: number;
  partner: number;
}

let conns: Conn[] = [];
let kind: TargetKind = 'ws';
let closedUnexpectedly = 0;
let lastCloseReason = '';
let refused = 0;
let lastError = '';

function writeStamp(c: Conn): void {
  let v = nowUs();
  for (let i = c.stampAt + STAMP_DIGITS - 1; i >= c.stampAt; i--) {
    c.frame[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

function readStamp(data: Buffer): number {
  const at = data.indexOf(MARKER);
  if (at < 0) return -1;
  let v = 0;
  for (let i = at + MARKER.length; i < at + MARKER.length + STAMP_DIGITS; i++) v = v * 10 + (data[i]! - 48);
  return v;
}

function buildFrame(to: string, payloadBytes: number): { frame: Buffer; stampAt: number } {
  const { head, tail } = frameParts(kind, to);
  const fill = Math.max(0, payloadBytes - MARKER.length - STAMP_DIGITS);
  const text = `${head}${MARKER.toString()}${'0'.repeat(STAMP_DIGITS)}${'A'.repeat(fill)}${tail}`;
  return { frame: Buffer.from(text), stampAt: Buffer.byteLength(head) + MARKER.length };
}

const corked: Conn[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const c of corked) {
    c.corked = false;
    c.sock.uncork();
  }
  corked.length = 0;
}

/**
 * Sends one stamped frame to the relay. Frames sent in the same tick to one socket are corked and leave
 * in one write: the generator must cost less per message than the relays it measures.
 */
function send(c: Conn): void {
  if (!c.corked) {
    c.corked = true;
    c.sock.cork();
    corked.push(c);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }
  writeStamp(c);
  c.ws.send(c.frame, { binary: false });
}

interface OpenArgs {
  kind: TargetKind;
  clients: ClientSpec[];
  /** Partner index of each client (-1 = idle, never sends). */
  partners?: number[];
  payloadBytes?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Keep going when a client fails to log in (counted); stop opening after `maxFailures`. */
  tolerant?: boolean;
  maxFailures?: number;
}

function openOne(spec: ClientSpec, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`login timed out for ${spec.id}`));
    }, timeoutMs);
    const done = (err?: Error) => {
      clearTimeout(timer);
      ws.off('message', onHello);
      if (err) reject(err);
      else resolve(ws);
    };
    const onHello = (data: Buffer) => {
      if (!spec.readyMarker) return;
      const s = data.toString();
      if (s.includes(spec.readyMarker)) done();
      else done(new Error(`unexpected login answer for ${spec.id}: ${s.slice(0, 200)}`));
    };
    ws.on('message', onHello);
    ws.once('error', (e) => done(e));
    ws.once('unexpected-response', (_req, res) => done(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('close', (code, reason) => done(new Error(`closed ${code} ${reason.toString()} during login`)));
    ws.once('open', () => {
      if (spec.hello) ws.send(spec.hello);
      if (!spec.readyMarker) done();
    });
  });
}

export interface Opened {
  opened: number;
  ms: number;
  loginsPerSec: number;
  failed: number;
  firstError: string;
}

async function open(args: OpenArgs): Promise<Opened> {
  kind = args.kind;
  const concurrency = args.concurrency ?? 200;
  const timeoutMs = args.timeoutMs ?? 30_000;
  const payloadBytes = args.payloadBytes ?? 1024;
  const maxFailures = args.maxFailures ?? 100;
  const sockets: (WebSocket | undefined)[] = new Array(args.clients.length);
  const start = performance.now();
  let next = 0;
  let failed = 0;
  let firstError = '';
  const worker = async () => {
    while (next < args.clients.length && failed < maxFailures) {
      const i = next++;
      try {
        sockets[i] = await openOne(args.clients[i]!, timeoutMs);
      } catch (e) {
        if (!args.tolerant) throw e;
        failed++;
        firstError ||= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, args.clients.length) }, worker));
  const ms = performance.now() - start;
  const opened = sockets.flatMap((ws, i) => (ws ? [{ ws, i }] : []));
  conns = opened.map(({ ws, i }) => {
    const partner = args.partners?.[i] ?? -1;
    const { frame, stampAt } = buildFrame(partner >= 0 ? args.clients[partner]!.id : 'none', payloadBytes);
    ws.on('close', (code, reason) => {
      if (!stopping) {
        closedUnexpectedly++;
        lastCloseReason = `${code} ${reason.toString()}`;
      }
    });
    ws.on('error', (e) => {
      lastError = e.message;
    });
    // `ws` keeps its socket private; the generator only corks/uncorks it (framing stays in `ws`).
    const sock = (ws as unknown as { _socket: Socket })._socket;
    return { ws, sock, corked: false, frame, stampAt, partner };
  });
  return { opened: conns.length, ms, loginsPerSec: (conns.length * 1000) / ms, failed, firstError };
}

/**
 * Sealpeer rendezvous (docs/protocol.md 1.8): each open connection listens on its list of tags (one
 * frame each); resolves once every connection has its rendezvous_ok, with the matches they reported.
 */
async function listen(args: { tags: string[][] }): Promise<{ matches: number; ms: number }> {
  const t0 = performance.now();
  let matches = 0;
  await Promise.all(
    conns.map(
      (c, i) =>
        new Promise<void>((resolve, reject) => {
          const onMsg = (data: Buffer) => {
            const s = data.toString();
            if (s.includes('"type":"error"')) reject(new Error(`rendezvous refused: ${s.slice(0, 200)}`));
            if (!s.includes('"rendezvous_ok"')) return;
            c.ws.off('message', onMsg);
            matches += (s.match(/"tag":/g) ?? []).length;
            resolve();
          };
          c.ws.on('message', onMsg);
          c.ws.send(JSON.stringify({ type: 'rendezvous', tags: (args.tags[i] ?? []).join(',') }));
        }),
    ),
  );
  return { matches, ms: performance.now() - t0 };
}

let stopping = false;
let recording = false;
let running = false;
let received = 0;
let samples = new Samples();

function onMessage(this: Conn, data: Buffer): void {
  const stamp = readStamp(data);
  if (stamp < 0) {
    refused++;
    if (refused < 5) lastError = data.toString().slice(0, 200);
    return;
  }
  if (recording) {
    received++;
    samples.push((nowUs() - stamp) / 1000);
  }
  if (closedLoop && running) send(conns[this.partner]!);
}

let closedLoop = true;

export interface RunResult {
  messages: number;
  seconds: number;
  perSecond: number;
  latencyMs: LatencySummary;
  loadgenCpu: number;
  /** The load generator's own GC over the recorded window (its pauses delay what it measures). */
  loadgenGc: GcWindow;
  closedUnexpectedly: number;
  lastCloseReason: string;
  refused: number;
  lastError: string;
}

interface RunArgs {
  warmupMs: number;
  durationMs: number;
  /** Closed loop: messages kept in flight per pair (split over both directions). */
  inflight?: number;
  /** Open loop: total messages per second across all pairs. */
  rate?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(args: RunArgs): Promise<RunResult> {
  const senders = conns.filter((c) => c.partner >= 0);
  for (const c of senders) {
    c.ws.removeAllListeners('message');
    c.ws.on('message', onMessage.bind(c));
  }
  received = 0;
  refused = 0;
  samples = new Samples();
  running = true;
  recording = false;
  let pacer: NodeJS.Timeout | undefined;
  if (args.rate === undefined) {
    closedLoop = true;
    const perClient = Math.max(1, Math.round((args.inflight ?? 8) / 2));
    for (const c of senders) for (let k = 0; k < perClient; k++) send(c);
  } else {
    closedLoop = false;
    const rate = args.rate;
    const begin = performance.now();
    let sent = 0;
    let rr = 0;
    pacer = setInterval(() => {
      const due = Math.floor((rate * (performance.now() - begin)) / 1000) - sent;
      for (let k = 0; k < due; k++) {
        send(senders[rr]!);
        rr = (rr + 1) % senders.length;
      }
      sent += due;
    }, 1);
  }
  await sleep(args.warmupMs);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const gcWatch = watchGc();
  recording = true;
  await sleep(args.durationMs);
  recording = false;
  const loadgenGc = gcWatch.stop();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  running = false;
  if (pacer) clearInterval(pacer);
  await sleep(500); // let in-flight messages drain before the next phase
  return {
    messages: received,
    seconds,
    perSecond: received / seconds,
    latencyMs: summarise(samples),
    loadgenCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    loadgenGc,
    closedUnexpectedly,
    lastCloseReason,
    refused,
    lastError,
  };
}

async function closeAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    conns.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close();
          setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 2000).unref();
        }),
    ),
  );
  conns = [];
  stopping = false;
}

/** How many opened connections are still open (the idle section's "held"), and why others closed. */
function alive(): { open: number; closedUnexpectedly: number; lastCloseReason: string } {
  const open = conns.filter((c) => c.ws.readyState === WebSocket.OPEN).length;
  return { open, closedUnexpectedly, lastCloseReason };
}

serve({
  open: (a) => open(a as OpenArgs),
  alive: () => alive(),
  listen: (a) => listen(a as { tags: string[][] }),
  run: (a) => run(a as RunArgs),
  close: () => closeAll(),
  usage: () => usage(),
});
