// Keyshare: lookups with inclusion + map proof per second (autocannon on GET /v1/records/:handle, from
// this process) at log sizes 1k..1M, the proof sizes, the append cost as the log grows, the map's
// rebuild at start, the client's verification of one full answer (checkpoint signature, record
// signature, inclusion proof, map proof; cold = a checkpoint not seen before, warm = the same
// checkpoint as the previous answer), and a monitor replaying and auditing a log of real records
// (log + map) from the keyshare over HTTP.
import autocannon from 'autocannon';
import { Child } from '../lib/child.ts';
import { type Ctx, type Row, Skip } from '../lib/section.ts';
import { median, opsPerSecond } from '../lib/stats.ts';
import { profileDir } from './relay.ts';

const HOST = new URL('../hosts/keyshare-host.ts', import.meta.url);

interface Started {
  url: string;
  verifierKey: string;
  handles: string[];
  buildS: number;
  startS: number;
  mapRebuildS: number;
  mapHeapMiB: number;
  size: number;
}

type Mod = Record<string, unknown>;

function lookups(url: string, handles: string[], durationS: number) {
  let i = 0;
  return new Promise<{
    requests: { average: number; total: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  }>((resolve, reject) =>
    autocannon(
      {
        url,
        connections: 32,
        duration: durationS,
        requests: [
          {
            method: 'GET',
            setupRequest: (req: Record<string, unknown>) => ({
              ...req,
              path: `/v1/records/${handles[i++ % handles.length]}`,
            }),
          },
        ],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );
}

interface VerifyFigures {
  cold: number;
  warm: number;
  /** The same per second of this process's CPU time (less skewed by other load than wall time). */
  coldCpu: number;
  warmCpu: number;
  proofHashes: number;
  mapSiblings: number;
  /** Mean map proof length over up to 50 of the sampled handles (a single key's depth varies). */
  mapSiblingsMean: number;
  answerBytes: number;
}

/** Client-side verification of one full lookup answer per second, and that answer's sizes. */
async function verifyRate(
  url: string,
  verifierKey: string,
  handles: string[],
  ms: number,
): Promise<VerifyFigures> {
  // A handle from the middle of the log: a typical proof length (the last leaf's is shorter).
  const handle = handles[Math.floor(handles.length / 2)]!;
  let siblings = 0;
  const some = handles.slice(0, 50);
  for (const h of some) {
    const a = (await (await fetch(`${url}/v1/records/${h}`)).json()) as { mapProof: { siblings: unknown[] } };
    siblings += a.mapProof.siblings.length;
  }
  const ks = (await import('@sealpeer/client/keyshare')) as Mod;
  await (ks.ready as () => Promise<unknown>)();
  const verify = ks.verifyRecordAnswer as (a: unknown, v: unknown, h: string) => unknown;
  const forget = ks.forgetVerifiedCheckpoints as () => void;
  const text = await (await fetch(`${url}/v1/records/${handle}`)).text();
  const raw = JSON.parse(text) as { inclusionProof: unknown[]; mapProof: { siblings: unknown[] } };
  const verifier = (ks.parseVerifierKey as (t: string) => unknown)(verifierKey);
  const answer = (ks.parseRecordAnswer as (v: unknown) => unknown)(raw);
  for (let k = 0; k < 20; k++) verify(answer, verifier, handle); // warm up
  const [cold, coldCpu] = withCpu(() =>
    opsPerSecond(() => {
      forget();
      verify(answer, verifier, handle);
    }, ms),
  );
  const [warm, warmCpu] = withCpu(() => opsPerSecond(() => verify(answer, verifier, handle), ms));
  return {
    cold,
    warm,
    coldCpu,
    warmCpu,
    proofHashes: raw.inclusionProof.length,
    mapSiblings: raw.mapProof.siblings.length,
    mapSiblingsMean: siblings / some.length,
    answerBytes: Buffer.byteLength(text),
  };
}

/** Runs a rate measurement; returns [ops per wall second, ops per CPU second of this process]. */
function withCpu(run: () => number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const perSec = run();
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return [perSec, (perSec * wallS) / ((c.user + c.system) / 1e6)];
}

/** A monitor (this process) replays and audits every leaf of the keyshare at `url` in one step. */
async function monitorReplay(
  url: string,
  verifierKey: string,
): Promise<{ s: number; cpuS: number; size: number }> {
  const mod = (await import('../../packages/keyshare/src/monitor/monitor.ts')) as Mod;
  const LogMonitor = mod.LogMonitor as new (o: unknown) => { step(): Promise<void>; size: number };
  const alerts: unknown[] = [];
  const m = new LogMonitor({
    url,
    verifierKey,
    watch: [],
    emit: (e: { event: string }) => e.event === 'alert' && alerts.push(e),
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await m.step();
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (alerts.length > 0) throw new Error(`monitor alerted: ${JSON.stringify(alerts[0])}`);
  return { s, cpuS: (c.user + c.system) / 1e6, size: m.size };
}

const labelOf = (size: number) => (size >= 1e6 ? `${size / 1e6}M` : `${size / 1000}k`);

/** The monitor's replay of a log of `size` real signed records, as rows. */
async function monitorSection(ctx: Ctx, size: number): Promise<{ rows: Row[]; data: unknown }> {
  const host = Child.start(HOST, {});
  try {
    const s = await host.call<Started>('start', { size, sample: 200, real: true }, 1_800_000);
    ctx.log(`   monitor log ${labelOf(size)}: built in ${s.buildS.toFixed(1)} s (real signed records)`);
    const r = await monitorReplay(s.url, s.verifierKey);
    await host.call('stop');
    const target = size === 1_000_000 ? `; target < 300 s: ${r.s < 300 ? 'met' : 'MISSED'}` : '';
    ctx.log(
      `   monitor replay + audit ${labelOf(size)}: ${r.s.toFixed(1)} s (${Math.round(r.size / r.s)} leaves/s)`,
    );
    return {
      rows: [
        {
          metric: `monitor replay + audit @${labelOf(size)}`,
          value: r.s.toFixed(1),
          unit: 's',
          note: `${Math.round(r.size / r.s)} leaves/s; monitor CPU ${r.cpuS.toFixed(0)} s; fetch (HTTP pages of 1000), parse, rules + signature, tree + map, both roots${target}`,
        },
      ],
      data: { size, monitorS: r.s, monitorCpuS: r.cpuS, buildS: s.buildS },
    };
  } finally {
    await host.stop();
  }
}

export async function keyshareSection(ctx: Ctx) {
  const sizes = ctx.quick ? [1000, 10_000] : [1000, 10_000, 100_000, 1_000_000];
  const rows: Row[] = [];
  const data = [];
  for (const size of sizes) {
    const host = Child.start(HOST, {
      nodeArgs: ctx.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir()] : [],
    });
    try {
      const s = await host.call<Started>('start', { size, sample: 200 }, 900_000).catch((e: Error) => {
        if (/skipped: /.test(e.message)) throw new Skip(/skipped: ([^\n]*)/.exec(e.message)![1]!);
        throw e;
      });
      const cpu0 = (await host.call<{ cpuUs: number }>('usage')).cpuUs;
      const r = await lookups(s.url, s.handles, ctx.quick ? 3 : 6);
      // Lookups per second of the keyshare process's own CPU time: its capacity, less skewed by the
      // other work on a shared machine than the wall-clock rate.
      const perCpuS = r.requests.total / (((await host.call<{ cpuUs: number }>('usage')).cpuUs - cpu0) / 1e6);
      const app = await host.call<{ times: number[]; proofLen: number; size: number }>('append', {
        n: ctx.quick ? 20 : 50,
      });
      const v = await verifyRate(s.url, s.verifierKey, s.handles, ctx.quick ? 500 : 1500);
      await host.call('stop');
      const label = labelOf(size);
      const appendMs = median(app.times);
      ctx.log(
        `   ${label}: ${Math.round(r.requests.average)} lookups/s (${Math.round(perCpuS)} per keyshare CPU-s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}), ` +
          `proof ${v.proofHashes} + map ${v.mapSiblings} hashes (${v.answerBytes} B answer), append ${appendMs.toFixed(2)} ms, ` +
          `client verify ${Math.round(v.cold)}/s cold, ${Math.round(v.warm)}/s warm (per CPU-s ${Math.round(v.coldCpu)} / ${Math.round(v.warmCpu)}); ` +
          `built in ${s.buildS.toFixed(1)} s, map rebuild ${s.mapRebuildS.toFixed(2)} s (${s.mapHeapMiB.toFixed(0)} MiB), keyshare start ${s.startS.toFixed(1)} s`,
      );
      const { handles: _h, ...info } = s;
      data.push({ ...info, lookups: r, lookupsPerCpuS: perCpuS, appendMs: app.times, ...v });
      const target =
        size === 1_000_000 ? `; target >= 5k/s: ${r.requests.average >= 5000 ? 'met' : 'MISSED'}` : '';
      rows.push({
        metric: `lookups+proofs/s @${label}`,
        value: r.requests.average,
        unit: '/s',
        note: `${Math.round(perCpuS)} per keyshare CPU-second; record + inclusion + map proof; p99 ${r.latency.p99} ms, 32 connections${r.non2xx ? `, non-2xx ${r.non2xx}` : ''}${target}`,
      });
      rows.push({
        metric: `proof sizes / append @${label}`,
        value: `${v.proofHashes * 32} B + ${v.mapSiblings * 32} B / ${appendMs.toFixed(2)} ms`,
        note: `log ${v.proofHashes} + map ${v.mapSiblings} hashes (map mean ${v.mapSiblingsMean.toFixed(1)} over 50 handles), answer ${v.answerBytes} B; append = checks + SQLite commit (fsync) + map update + checkpoint signature; median of ${app.times.length}`,
      });
      const vTarget =
        size === 1_000_000
          ? `; target >= 2k/s: ${v.cold >= 2000 ? 'met' : 'MISSED'} cold, ${v.warm >= 2000 ? 'met' : 'MISSED'} warm`
          : '';
      rows.push({
        metric: `client verify answer @${label}`,
        value: `${Math.round(v.cold)} / ${Math.round(v.warm)}`,
        unit: '/s',
        note: `cold (new checkpoint: 2 Ed25519 verifications) / warm (checkpoint verified before: 1); per CPU-second ${Math.round(v.coldCpu)} / ${Math.round(v.warmCpu)}; libsodium + inclusion + map proof${vTarget}`,
      });
      rows.push({
        metric: `map rebuild at start @${label}`,
        value: s.mapRebuildS.toFixed(2),
        unit: 's',
        note: `${s.mapHeapMiB.toFixed(0)} MiB; whole keyshare start (tree + map + checkpoint) ${s.startS.toFixed(1)} s`,
      });
    } finally {
      await host.stop();
    }
  }
  const monitorSize = ctx.quick ? 10_000 : 1_000_000;
  const mon = await monitorSection(ctx, monitorSize);
  rows.push(...mon.rows);
  return { rows, data: { lookups: data, monitor: mon.data } };
}
