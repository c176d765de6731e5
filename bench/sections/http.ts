// HTTP API: credential get-or-create (POST /api/channels/:id/sessions) requests/s with autocannon
// (run from this process; the server has its own), on a fresh store and on one holding 100k
// credentials. "create" sends a new sessionId each time; "get" re-asks for existing sessions (the
// refresh path: same clientId, new password).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { Prefilled } from '../hosts/prefill.ts';
import { Child } from '../lib/child.ts';
import type { Ctx, Row } from '../lib/section.ts';

const HOST = new URL('../hosts/relay-host.ts', import.meta.url);

interface Started {
  httpUrl: string;
  prefilled?: Prefilled;
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function cannon(
  url: string,
  durationS: number,
  pick: () => { path: string; sessionId: string },
): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 32,
        duration: durationS,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req: Record<string, unknown>) => {
              const p = pick();
              return { ...req, path: p.path, body: JSON.stringify({ sessionId: p.sessionId }) };
            },
          },
        ],
      },
      (err: Error | null, r: CannonResult) => (err ? reject(err) : resolve(r)),
    );
  });
}

async function measure(stored: number, ctx: Ctx) {
  const host = Child.start(HOST);
  try {
    const s = await host.call<Started>('start', {
      kind: 'sealpeer',
      fill: { credentials: stored, emptyChannels: 2000 },
    });
    const pf = s.prefilled;
    if (!pf) throw new Error('prefill did not run');
    const durationS = ctx.quick ? 3 : 8;
    let c = 0;
    const create = await cannon(s.httpUrl, durationS, () => ({
      path: `/api/channels/${pf.emptyChannels[c++ % pf.emptyChannels.length]}/sessions`,
      sessionId: randomUUID(),
    }));
    let g = 0;
    const get = pf.existing.length
      ? await cannon(s.httpUrl, durationS, () => {
          const e = pf.existing[g++ % pf.existing.length]!;
          return { path: `/api/channels/${e.channelId}/sessions`, sessionId: e.sessionId };
        })
      : undefined;
    await host.call('stop');
    const line = (name: string, r: CannonResult) =>
      `${name} ${Math.round(r.requests.average)}/s p99 ${r.latency.p99} ms non-2xx ${r.non2xx} errors ${r.errors}`;
    ctx.log(
      `   ${stored} stored (prefill ${pf.seconds.toFixed(1)} s): ${line('create', create)}` +
        (get ? `; ${line('get', get)}` : ''),
    );
    return { stored, prefillS: pf.seconds, create, get };
  } finally {
    await host.stop();
  }
}

export async function httpSection(ctx: Ctx) {
  const rows: Row[] = [];
  const data = [];
  for (const stored of ctx.quick ? [1000] : [1000, 100_000]) {
    const r = await measure(stored, ctx);
    data.push(r);
    const label = stored >= 1000 ? `${stored / 1000}k` : String(stored);
    const note = (x: CannonResult) =>
      `p50 ${x.latency.p50} ms, p99 ${x.latency.p99} ms, 32 connections` +
      (x.non2xx || x.errors ? `; non-2xx ${x.non2xx}, errors ${x.errors}` : '');
    rows.push({
      metric: `credential create req/s @${label} stored`,
      value: r.create.requests.average,
      unit: '/s',
      note: note(r.create),
    });
    if (r.get)
      rows.push({
        metric: `credential get req/s @${label} stored`,
        value: r.get.requests.average,
        unit: '/s',
        note: note(r.get),
      });
  }
  return { rows, data };
}
