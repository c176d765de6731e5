// `npm run harden [-- --quick] [--no-fuzz] [--no-crash] [--only SECTIONS] [--crash-rounds N]
// [--fuzz-runs N] [--fuzz-workers N] [--fuzz-minutes M] [--fuzz-only NAMES]`: the hostile-load harness
// (issue 18, item 1).
// Real sealpeer-server, keyshare and witness processes on loopback, attacked from many 127.x source
// addresses while a legitimate client logs in and relays; then (full run) the fuzz properties at 10^6
// cases and >= 50 crash rounds. Prints one table, writes bench/harden.json and docs/hardening.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as keyshare from '@sealpeer/client/keyshare';
import { kill9, launch, type Proc } from '../../test-support/crash.ts';
import { rawConnect } from '../../test-support/raw-http.ts';
import { projectRoot } from '../../test-support/vectors.ts';
import { withKeptText } from '../lib/kept-text.ts';
import { machineInfo } from '../lib/machine.ts';
import {
  addr,
  credential,
  eventLoopP99,
  legitimate,
  login,
  loginFrame,
  openWs,
  p99,
  post,
  procStats,
  type Row,
  sleep,
  slowloris,
} from './attacks.ts';
import { crashRows, fuzzRow, fuzzTable } from './crash-fuzz-rows.ts';
import { type FuzzProperty, fuzzOptions } from './fuzz.ts';

const quick = process.argv.includes('--quick');
// --only server,keyshare,crash,fuzz: those sections only (figures go to bench/harden-partial-*).
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : [];
const want = (section: string) => only.length === 0 || only.includes(section);
// --crash-rounds N: rounds of each crash kind (2 with --quick: four kinds now, within its 3 minutes; else 50).
const roundsAt = process.argv.indexOf('--crash-rounds');
const crashRounds = roundsAt >= 0 ? Math.max(1, Number(process.argv[roundsAt + 1]) || 0) : quick ? 2 : 50;
let fuzzed: FuzzProperty[] = [];
const rows: Row[] = [];
const LEGIT_P99 = 1000; // ms: a legitimate login + relay round under attack, on a shared 2-core machine
const t0 = Date.now();

function row(r: Row): void {
  rows.push(r);
  const mark = r.pass ? 'pass' : 'FAIL';
  console.log(`[${mark}] ${r.attack} (${r.size}): ${r.serverDid}; legit p99 ${r.legitP99Ms ?? '-'} ms`);
}

async function underAttack<T>(url: string, wsUrl: string, attack: () => Promise<T>) {
  const r = await post(`${url}/api/channels`, { public: false });
  const ch = r.body.channelId as string;
  const a = await credential(url, ch);
  const b = await credential(url, ch);
  const peer = await login(wsUrl, b);
  const legit = legitimate(url, wsUrl, a, peer, b.clientId);
  const result = await attack();
  const { ms, failures } = await legit.stop();
  peer.ws.close();
  return { result, p99: p99(ms), rounds: ms.length, failures };
}

async function serverRows(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-harden-'));
  const p: Proc = await launch('packages/server/bin/sealpeer-server.js', [
    '--port',
    '0',
    '--admin-port',
    '0',
    '--data-dir',
    dir,
    '--log-level',
    'info',
  ]);
  const url = p.url;
  const wsUrl = `${url.replace('http', 'ws')}/ws`;
  try {
    const n = quick ? 1500 : 3000;
    const http = await underAttack(url, wsUrl, () =>
      slowloris(url, n, 20, 10, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ', 12_000),
    );
    const h = http.result;
    row({
      attack: 'slowloris, plain HTTP',
      size: `${n} half-open requests from 20 addresses`,
      serverDid: `${h.got408} got 408 at the 10 s header timeout, ${h.cutAtAccept} closed at accept (64/IP cap), ${h.stillOpen} still open at 12 s`,
      legitP99Ms: http.p99,
      bound: `none held past 12 s; legit p99 < ${LEGIT_P99} ms, no failed round`,
      pass: h.stillOpen === 0 && http.p99 < LEGIT_P99 && http.failures === 0,
    });
    const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
    const ws = await underAttack(url, wsUrl, () => slowloris(url, n, 20, 11, upgrade, 12_000));
    row({
      attack: 'slowloris, WebSocket upgrade',
      size: `${n} half-open upgrades from 20 addresses`,
      serverDid: `${ws.result.got408} got 408, ${ws.result.cutAtAccept} closed at accept, ${ws.result.stillOpen} still open at 12 s`,
      legitP99Ms: ws.p99,
      bound: `none held past 12 s; legit p99 < ${LEGIT_P99} ms, no failed round`,
      pass: ws.result.stillOpen === 0 && ws.p99 < LEGIT_P99 && ws.failures === 0,
    });

    // Login brute force from 1k source addresses against one real credential.
    const ch = (await post(`${url}/api/channels`, { public: false })).body.channelId as string;
    const victim = await credential(url, ch, addr(12, 0));
    const tries = quick ? 1 : 6;
    const brute = await underAttack(url, wsUrl, async () => {
      const codes = new Map<string, number>();
      for (let i = 0; i < 1000; i += 50)
        await Promise.all(
          Array.from({ length: 50 }, async (_, j) => {
            for (let t = 0; t < tries; t++) {
              let code = 'upgrade_refused';
              try {
                const s = await openWs(wsUrl, addr(13, i + j));
                s.ws.send(JSON.stringify(loginFrame(victim, `guess${t}`)));
                code = (await s.next((f) => f.type === 'error' || f.type === 'login_ok')).code ?? 'login_ok';
                s.ws.close();
              } catch {}
              codes.set(code, (codes.get(code) ?? 0) + 1);
            }
          }),
        );
      return codes;
    });
    const okLogins = brute.result.get('login_ok') ?? 0;
    row({
      attack: 'login brute force',
      size: `1000 addresses x ${tries} wrong passwords`,
      serverDid: [...brute.result].map(([k, v]) => `${k} ${v}`).join(', '),
      legitP99Ms: brute.p99,
      bound: `no login succeeds; legit p99 < ${LEGIT_P99} ms`,
      pass: okLogins === 0 && brute.p99 < LEGIT_P99 && brute.failures === 0,
    });

    for (const kind of ['channel', 'credential'] as const) {
      const flood = await underAttack(url, wsUrl, async () => {
        const st = new Map<number, number>();
        for (let i = 0; i < 300; i++) {
          const path = kind === 'channel' ? '/api/channels' : `/api/channels/${ch}/sessions`;
          const body = kind === 'channel' ? { public: false } : { sessionId: crypto.randomUUID() };
          const r = await post(url + path, body, addr(14 + (kind === 'channel' ? 0 : 1), 0));
          st.set(r.status, (st.get(r.status) ?? 0) + 1);
        }
        return st;
      });
      const created = (flood.result.get(200) ?? 0) + (flood.result.get(201) ?? 0);
      row({
        attack: `${kind}-creation flood`,
        size: '300 requests from one address',
        serverDid: [...flood.result].map(([k, v]) => `${k}: ${v}`).join(', '),
        legitP99Ms: flood.p99,
        bound: `<= 30 created/min/IP, the rest 429; legit p99 < ${LEGIT_P99} ms`,
        pass: created <= 31 && (flood.result.get(429) ?? 0) >= 269 && flood.p99 < LEGIT_P99,
      });
    }

    // Frame floods from logged-in clients (they keep reading: rate_limited answers, no relay).
    const flooders = await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        login(wsUrl, await credential(url, ch, addr(16, i)), addr(16, i)),
      ),
    );
    const frames = quick ? 2000 : 10_000;
    const fl = await underAttack(url, wsUrl, async () => {
      for (const f of flooders) for (let i = 0; i < frames; i++) f.ws.send('{"type":"echo","data":"x"}');
      await sleep(3000);
      let limited = 0;
      let echoed = 0;
      for (const f of flooders)
        for (const x of f.frames) {
          if (x.code === 'rate_limited') limited++;
          if (x.type === 'echo') echoed++;
        }
      const cut = (
        await Promise.all(flooders.map((f) => Promise.race([f.closed, sleep(100).then(() => 0)])))
      ).filter((c) => c === 1008).length;
      return { limited, echoed, cut };
    });
    row({
      attack: 'frame flood, logged-in clients',
      size: `10 clients x ${frames} frames`,
      serverDid: `${fl.result.echoed} answered (burst 100 + 50/s), ${fl.result.limited} rate_limited, ${fl.result.cut} of 10 flooders cut 1008`,
      legitP99Ms: fl.p99,
      bound: `every flooder cut after 200 refusals in a row; legit p99 < ${LEGIT_P99} ms`,
      pass: fl.result.cut === 10 && fl.p99 < LEGIT_P99 && fl.failures === 0,
    });
    for (const f of flooders) f.ws.close();

    // Oversize and malformed frames before login: each closed at once.
    const bad = await underAttack(url, wsUrl, async () => {
      const codes = new Map<number, number>();
      const t = performance.now();
      for (let i = 0; i < 500; i += 50)
        await Promise.all(
          Array.from({ length: 50 }, async (_, j) => {
            const s = await openWs(wsUrl, addr(17, (i + j) % 100)).catch(() => null);
            if (!s) return;
            s.ws.send(
              (i + j) % 2
                ? 'x'.repeat(65 * 1024)
                : '{"type":"login","clientId":"a","password":"b","sessionId":null}',
            );
            const code = await Promise.race([s.closed, sleep(2000).then(() => 0)]);
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }),
        );
      return { codes, ms: performance.now() - t };
    });
    row({
      attack: 'oversize and malformed frames before login',
      size: '500 sockets from 100 addresses',
      serverDid: [...bad.result.codes].map(([k, v]) => `close ${k}: ${v}`).join(', '),
      legitP99Ms: bad.p99,
      bound: 'every socket closed 1008/1009 within 2 s',
      pass:
        (bad.result.codes.get(1008) ?? 0) + (bad.result.codes.get(1009) ?? 0) === 500 && bad.p99 < LEGIT_P99,
    });

    // Churn: connect, log in, relay, disconnect, from 8 workers; RSS, fds and event-loop delay stay flat.
    const churnMs = quick ? 20_000 : 600_000;
    const pool = await Promise.all(Array.from({ length: 8 }, (_, i) => credential(url, ch, addr(18, i))));
    const peerCred = await credential(url, ch, addr(18, 9));
    const peer = await login(wsUrl, peerCred);
    let rounds = 0;
    const lat: number[] = [];
    const warm = Date.now() + churnMs / 10;
    let first: ReturnType<typeof procStats> | undefined;
    const end = Date.now() + churnMs;
    await Promise.all(
      pool.map(async (c) => {
        while (Date.now() < end) {
          const t = performance.now();
          const s = await login(wsUrl, c).catch(() => null);
          if (s) {
            s.ws.send(JSON.stringify({ type: 'send', to: peerCred.clientId, data: 'c' }));
            s.ws.close();
            await s.closed;
          }
          lat.push(performance.now() - t);
          rounds++;
          if (!first && Date.now() > warm) first = procStats(p.child.pid!);
        }
      }),
    );
    peer.ws.close();
    await sleep(500);
    const last = procStats(p.child.pid!);
    const eld = await eventLoopP99(p.adminUrl, 'sealpeer_');
    const base = first ?? last;
    row({
      attack: 'churn (connect, log in, relay, disconnect)',
      size: `${Math.round(churnMs / 1000)} s, 8 workers, ${rounds} rounds (${Math.round(rounds / (churnMs / 1000))}/s)`,
      serverDid: `RSS ${Math.round(base.rssKiB / 1024)} -> ${Math.round(last.rssKiB / 1024)} MiB, fds ${base.fds} -> ${last.fds}, event-loop p99 ${eld ?? '-'} ms`,
      legitP99Ms: p99(lat),
      bound: `RSS growth < 30 %, fds +<= 10, round p99 < ${LEGIT_P99} ms`,
      pass: last.rssKiB < base.rssKiB * 1.3 && last.fds <= base.fds + 10 && p99(lat) < LEGIT_P99,
    });
  } finally {
    await kill9(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function keyshareRows(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpeer-harden-ks-'));
  const p = await launch('packages/keyshare/bin/sealpeer-keyshare.js', [
    'serve',
    '--port',
    '0',
    '--data-dir',
    dir,
    '--log-level',
    'warn',
  ]);
  const wdir = mkdtempSync(join(tmpdir(), 'sealpeer-harden-w-'));
  const vkey = /verifier key: (\S+)/.exec(p.out())?.[1] ?? '';
  const w = await launch('packages/keyshare/bin/sealpeer-keyshare.js', [
    'witness',
    '--log',
    vkey,
    '--port',
    '0',
    '--data-dir',
    wdir,
    '--log-level',
    'warn',
  ]);
  try {
    // Legitimate reads: GET /v1/checkpoint from 127.0.0.1 while writes flood from one address.
    const reads = async <T>(base: string, path: string, attack: () => Promise<T>) => {
      const ms: number[] = [];
      let running = true;
      const loop = (async () => {
        while (running) {
          const t = performance.now();
          const r = await fetch(base + path).catch(() => null);
          if (r?.ok) ms.push(performance.now() - t);
          await r?.arrayBuffer();
          await sleep(20);
        }
      })();
      const result = await attack();
      running = false;
      await loop;
      return { result, p99: p99(ms) };
    };
    const writes = await reads(p.url, '/v1/checkpoint', async () => {
      const st = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        const signer = keyshare.ed25519RecordSigner(crypto.getRandomValues(new Uint8Array(32)));
        const r: keyshare.KeyRecord = {
          kind: 'claim',
          handle: `flood-${i}-${process.pid}`,
          seq: 0,
          createdAt: Date.now(),
          expiresAt: null,
          identityKey: signer.publicKey,
          x25519Key: new Uint8Array(32).fill(1),
          prev: keyshare.ZERO_HASH,
        };
        const sig = await signer.sign(keyshare.recordSigningBytes(r));
        const res = await post(
          `${p.url}/v1/records`,
          keyshare.recordToJson({ ...r, signature: sig, prevSignature: null }),
          addr(20, 0),
        );
        st.set(res.status, (st.get(res.status) ?? 0) + 1);
      }
      return st;
    });
    row({
      attack: 'keyshare write flood',
      size: '200 valid claims from one address',
      serverDid: [...writes.result].map(([k, v]) => `${k}: ${v}`).join(', '),
      legitP99Ms: writes.p99,
      bound: `<= 30 writes/min/IP, the rest 429; reads p99 < ${LEGIT_P99} ms`,
      pass: (writes.result.get(201) ?? 0) <= 31 && writes.p99 < LEGIT_P99,
    });
    for (const [name, target, path] of [
      ['keyshare', p, '/v1/checkpoint'],
      ['witness', w, '/healthz'],
    ] as const) {
      const n = quick ? 800 : 2000;
      const s = await reads(target.url, path, () =>
        slowloris(target.url, n, 20, 21, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-a: `, 12_000),
      );
      row({
        attack: `${name} slowloris`,
        size: `${n} half-open requests from 20 addresses`,
        serverDid: `${s.result.got408} got 408, ${s.result.cutAtAccept} closed at accept, ${s.result.stillOpen} still open at 12 s`,
        legitP99Ms: s.p99,
        bound: `none held past 12 s; reads p99 < ${LEGIT_P99} ms`,
        pass: s.result.stillOpen === 0 && s.p99 < LEGIT_P99,
      });
    }
    const garbage = await reads(w.url, '/healthz', async () => {
      const st = new Map<number, number>();
      for (let i = 0; i < 300; i++) {
        const c = await rawConnect(
          w.url,
          `POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nConnection: close\r\n\r\nold 1\n\nx\n`,
          addr(22, 0),
        );
        await c.closed;
        const code = Number(/^HTTP\/1\.1 (\d+)/.exec(c.received())?.[1] ?? 0);
        st.set(code, (st.get(code) ?? 0) + 1);
      }
      return st;
    });
    row({
      attack: 'witness add-checkpoint garbage',
      size: '300 malformed bodies from one address',
      serverDid: [...garbage.result].map(([k, v]) => `${k}: ${v}`).join(', '),
      legitP99Ms: garbage.p99,
      bound: `every one refused 400 (or 429); reads p99 < ${LEGIT_P99} ms`,
      pass: [...garbage.result.keys()].every((k) => k === 400 || k === 429) && garbage.p99 < LEGIT_P99,
    });
  } finally {
    await kill9(p);
    await kill9(w);
    rmSync(dir, { recursive: true, force: true });
    rmSync(wdir, { recursive: true, force: true });
  }
}

function markdown(m: ReturnType<typeof machineInfo>): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return `# Hardening figures

Written by \`npm run harden${quick ? ' -- --quick' : ''}\` (scripts/harden.mjs, bench/harden/). Everything runs on
loopback: real \`sealpeer-server\`, \`sealpeer-keyshare\` and witness processes with their default limits,
attacked from many 127.x source addresses while a legitimate client (127.0.0.1) creates nothing new and
just logs in and relays one message per round (server rows) or reads the checkpoint (keyshare rows).

## HTTP connections

Every listener cuts slow clients: a request's headers must arrive within \`--header-timeout\` (10 s; then
408 and the socket is closed; the WebSocket upgrade is an HTTP request too), and one address holds at
most 64 TCP connections (\`--max-http-connections-per-ip\` on the server, WebSockets included;
\`--max-connections-per-ip\` on the keyshare and witness); the one over the cap is closed at accept.
Behind \`--trust-proxy\` the proxy's addresses are exempt: cap at the proxy (nginx \`limit_conn\`).

## Figures

Machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemGiB} GiB, ${m.platform}, Node ${m.node}, load ${m.loadAvg1m} (shared
with other jobs), commit ${m.commit}, ${m.date}. Run took ${Math.round((Date.now() - t0) / 1000)} s.

| attack | size | what the server did | legit p99 (ms) | bound | result |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${esc(r.attack)} | ${esc(r.size)} | ${esc(r.serverDid)} | ${r.legitP99Ms ?? '-'} | ${esc(r.bound)} | ${r.pass ? 'pass' : '**FAIL**'} |`).join('\n')}
${fuzzTable(fuzzed)}`;
}

const m = machineInfo();
if (want('server')) await serverRows();
if (want('keyshare')) await keyshareRows();
if (want('crash') && !process.argv.includes('--no-crash')) await crashRows(crashRounds, row);
if (want('fuzz') && !process.argv.includes('--no-fuzz') && !quick)
  fuzzed = await fuzzRow(fuzzOptions(process.argv, quick), row);
// The full run's figures are the published ones; a --quick or --only run writes untracked files.
const out = quick
  ? 'bench/harden-quick'
  : only.length
    ? `bench/harden-partial-${only.join('-')}`
    : 'bench/harden';
writeFileSync(
  join(projectRoot, `${out}.json`),
  `${JSON.stringify({ quick, only, machine: m, rows, fuzz: fuzzed }, null, 2)}\n`,
);
// docs/hardening.md keeps its hand-written sections (below the marker; bench/lib/kept-text.ts).
if (out === 'bench/harden') {
  const doc = join(projectRoot, 'docs/hardening.md');
  writeFileSync(doc, withKeptText(markdown(m), existsSync(doc) ? readFileSync(doc, 'utf8') : ''));
} else writeFileSync(join(projectRoot, `${out}.md`), markdown(m));
console.table(rows.map((r) => ({ ...r, pass: r.pass ? 'pass' : 'FAIL' })));
console.log(
  `${rows.filter((r) => !r.pass).length} of ${rows.length} rows failed; ${Math.round((Date.now() - t0) / 1000)} s`,
);
process.exit(rows.every((r) => r.pass) ? 0 : 1);
