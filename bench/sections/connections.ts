// Idle connections: memory per logged-in idle connection at 1k and 10k, and the time to log them all in.
// Each size gets a fresh sealpeer server process (started with --expose-gc so both snapshots are taken
// after a full collection); credentials are made through the HTTP API first, then the baseline is taken,
// then the connections are opened from a separate load generator process spread over loopback
// source addresses (127.0.0.2, ...).
import { createHash } from 'node:crypto';
import { Child } from '../lib/child.ts';
import type { Ctx, Row } from '../lib/section.ts';
import { provisionClients, type Started } from '../relay/provision.ts';

type Usage = { rss: number; heapUsed: number; heapTotal: number; external: number; cpuUs: number };

const here = new URL('.', import.meta.url);
const HOST = new URL('../hosts/relay-host.ts', here);
const LOADGEN = new URL('../relay/loadgen.ts', here);
const KiB = 1024;
/** Source addresses the connections are spread over (loopback only). */
const SPREAD = 50;

/** Contacts per online user in the rendezvous measurement (issue 15 §5). */
const CONTACTS = 50;

/**
 * The rendezvous tags of n online users with CONTACTS contacts each (a ring: user i knows i±1..i±25), one
 * opaque 32-byte tag per pair, as the clients would derive them (2.13); every contact is online.
 */
function contactTags(n: number): string[][] {
  const tag = (a: number, b: number) =>
    createHash('sha256')
      .update(`${Math.min(a, b)}-${Math.max(a, b)}`)
      .digest('base64url');
  return Array.from({ length: n }, (_, i) => {
    const out: string[] = [];
    for (let k = 1; k <= CONTACTS / 2; k++) out.push(tag(i, (i + k) % n), tag(i, (i - k + n) % n));
    return out;
  });
}

async function measure(n: number, ctx: Ctx) {
  const host = Child.start(HOST, { nodeArgs: ['--expose-gc'] });
  const gen = Child.start(LOADGEN);
  try {
    const started = await host.call<Started>('start', { kind: 'sealpeer' });
    const t0 = performance.now();
    const clients = await provisionClients('sealpeer', started, n, { perChannel: 250, spread: SPREAD });
    const provisionS = (performance.now() - t0) / 1000;
    const before = await host.call<Usage>('gc');
    const opened = await gen.call<{ opened: number; ms: number; loginsPerSec: number }>(
      'open',
      { kind: 'sealpeer', clients, concurrency: 200, timeoutMs: 120_000 },
      300_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = await host.call<Usage>('gc');
    // Then every user listens on its 50 contacts' tags (all online: the worst case for the relay).
    const listened = await gen.call<{ matches: number; ms: number }>(
      'listen',
      { tags: contactTags(n) },
      300_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const withTags = await host.call<Usage>('gc');
    const gen1 = await gen.call<Usage>('usage');
    await gen.call('close', undefined, 120_000);
    await host.call('stop');
    const r = {
      n,
      provisionS,
      loginMs: opened.ms,
      loginsPerSec: opened.loginsPerSec,
      rssPerConn: (after.rss - before.rss) / n,
      heapPerConn: (after.heapUsed - before.heapUsed) / n,
      externalPerConn: (after.external - before.external) / n,
      serverRssAfter: after.rss,
      rendezvousRssPerUser: (withTags.rss - after.rss) / n,
      rendezvousHeapPerUser: (withTags.heapUsed - after.heapUsed) / n,
      totalRssPerUser: (withTags.rss - before.rss) / n,
      rendezvousMatches: listened.matches,
      rendezvousMs: listened.ms,
      loadgenRss: gen1.rss,
    };
    ctx.log(
      `   ${n}: ${(r.rssPerConn / KiB).toFixed(1)} KiB RSS/conn, ${(r.heapPerConn / KiB).toFixed(1)} KiB heap/conn, ` +
        `login ${(r.loginMs / 1000).toFixed(2)} s (${Math.round(r.loginsPerSec)}/s); credentials ${provisionS.toFixed(1)} s; ` +
        `rendezvous (${CONTACTS} contacts each): +${(r.rendezvousRssPerUser / KiB).toFixed(1)} KiB RSS/user, ` +
        `${listened.matches} matches in ${(listened.ms / 1000).toFixed(2)} s`,
    );
    return r;
  } finally {
    await gen.stop();
    await host.stop();
  }
}

export async function connectionsSection(ctx: Ctx) {
  const sizes = ctx.quick ? [1000] : [1000, 10_000];
  const rows: Row[] = [];
  const data = [];
  for (const n of sizes) {
    const r = await measure(n, ctx);
    data.push(r);
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    rows.push({
      metric: `RSS per idle connection @${label}`,
      value: r.rssPerConn / KiB,
      unit: 'KiB',
      note: `target <= 64 KiB: ${r.rssPerConn <= 64 * KiB ? 'met' : 'MISSED'}; server RSS ${Math.round(r.serverRssAfter / 2 ** 20)} MiB`,
    });
    rows.push({ metric: `heap per idle connection @${label}`, value: r.heapPerConn / KiB, unit: 'KiB' });
    rows.push({
      metric: `RSS per online user with ${CONTACTS} contacts @${label}`,
      value: r.totalRssPerUser / KiB,
      unit: 'KiB',
      note: `connection + rendezvous tags, all contacts online; the tags alone +${(r.rendezvousRssPerUser / KiB).toFixed(1)} KiB (heap +${(r.rendezvousHeapPerUser / KiB).toFixed(1)} KiB); grows with the user's contacts, not with contacts²`,
    });
    rows.push({
      metric: `time to log in ${label}`,
      value: r.loginMs / 1000,
      unit: 's',
      note: `${Math.round(r.loginsPerSec)} logins/s, 200 at a time, ${SPREAD} source addresses`,
    });
  }
  return { rows, data };
}
