// Keyshare: lookups with inclusion proof per second (autocannon on GET /v1/records/:handle, from this
// process) at log sizes 1k..1M, the proof size, the append cost as the log grows, and the client's
// verification of one answer (checkpoint signature, record signature, inclusion proof).
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
  size: number;
}

function lookups(url: string, handles: string[], durationS: number) {
  let i = 0;
  return new Promise<{
    requests: { average: number };
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

/** Client-side verification of one lookup answer per second, and that answer's proof length. */
async function verifyRate(
  url: string,
  verifierKey: string,
  handle: string,
  ms: number,
): Promise<{ perSec: number; proofHashes: number }> {
  const client = (await import('@sealpeer/client')) as Record<string, unknown>;
  const ks = client.keyshare as Record<string, unknown>;
  const verify = ks.verifyRecordAnswer as ((a: unknown, v: unknown, h: string) => unknown) | undefined;
  const parseVerifier = ks.parseVerifierKey as ((t: string) => unknown) | undefined;
  const parseAnswer = ks.parseRecordAnswer as ((v: unknown) => unknown) | undefined;
  const raw = (await (await fetch(`${url}/v1/records/${handle}`)).json()) as { inclusionProof?: unknown[] };
  const proofHashes = raw.inclusionProof?.length ?? Number.NaN;
  if (!verify || !parseVerifier || !parseAnswer) return { perSec: Number.NaN, proofHashes };
  const verifier = parseVerifier(verifierKey);
  const answer = parseAnswer(raw);
  for (let k = 0; k < 20; k++) verify(answer, verifier, handle); // warm up (lazy precomputation)
  return { perSec: opsPerSecond(() => verify(answer, verifier, handle), ms), proofHashes };
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
      const r = await lookups(s.url, s.handles, ctx.quick ? 3 : 6);
      const app = await host.call<{ times: number[]; proofLen: number; size: number }>('append', {
        n: ctx.quick ? 20 : 50,
      });
      // A handle from the middle of the log: a typical proof length (the last leaf's is shorter).
      const mid = s.handles[Math.floor(s.handles.length / 2)]!;
      const { perSec: verifyPerSec, proofHashes } = await verifyRate(
        s.url,
        s.verifierKey,
        mid,
        ctx.quick ? 500 : 1500,
      );
      await host.call('stop');
      const label = size >= 1e6 ? `${size / 1e6}M` : `${size / 1000}k`;
      const appendMs = median(app.times);
      ctx.log(
        `   ${label}: ${Math.round(r.requests.average)} lookups/s (p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}), ` +
          `proof ${proofHashes} hashes, append ${appendMs.toFixed(2)} ms, client verify ${Math.round(verifyPerSec)}/s; ` +
          `built in ${s.buildS.toFixed(1)} s, keyshare start ${s.startS.toFixed(1)} s`,
      );
      const { handles: _h, ...info } = s;
      data.push({ ...info, lookups: r, appendMs: app.times, proofHashes, verifyPerSec });
      const target =
        size === 1_000_000 ? `; target >= 5k/s: ${r.requests.average >= 5000 ? 'met' : 'MISSED'}` : '';
      rows.push({
        metric: `lookups+proof/s @${label}`,
        value: r.requests.average,
        unit: '/s',
        note: `p99 ${r.latency.p99} ms, 32 connections${r.non2xx ? `, non-2xx ${r.non2xx}` : ''}${target}`,
      });
      rows.push({
        metric: `proof size / append @${label}`,
        value: `${proofHashes * 32} B / ${appendMs.toFixed(2)} ms`,
        note: `${proofHashes} hashes; append = checks + SQLite commit (fsync) + checkpoint signature; median of ${app.times.length}`,
      });
      rows.push({
        metric: `client verify answer @${label}`,
        value: verifyPerSec,
        unit: '/s',
        note: 'checkpoint + record sig + inclusion',
      });
    } finally {
      await host.stop();
    }
  }
  return { rows, data };
}
