// Slow HTTP clients are cut, not held, on the keyshare and the witness (docs/hardening.md, "HTTP
// connections"): header timeout (408, closed) and a cap on TCP connections per IP, with real sockets.
import * as keyshare from '@sealpeer/client/keyshare';
import { describe, expect, it } from 'vitest';
import { rawConnect, rawGet, within } from '../../../test-support/raw-http.ts';
import { parseServeArgs } from '../src/config.ts';
import { parseWitnessArgs } from '../src/witness/config.ts';
import { startTestKeyshare } from './helpers.ts';
import { MemLog, startTestWitness } from './witness-support.ts';

async function slowClientsAreCut(url: string, path: string): Promise<void> {
  // Half a request and a silent socket: 408 and closed at the (400 ms) header timeout.
  const half = await rawConnect(url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
  const silent = await rawConnect(url);
  for (const c of [half, silent]) {
    expect(await within(c.closed, 3000, 'slow socket closed')).toBeGreaterThanOrEqual(300);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  }
  // The cap (3): a fourth connection from 127.0.0.1 is closed before a byte is read.
  const held = await Promise.all([1, 2, 3].map(() => rawConnect(url)));
  const over = await rawConnect(url, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  await within(over.closed, 2000, 'connection over the cap closed');
  expect(over.received()).toBe('');
  expect(await rawGet(url, path, '127.0.0.3')).toBe(200);
  for (const c of held) c.socket.destroy();
  await Promise.all(held.map((c) => c.closed));
  expect(await rawGet(url, path)).toBe(200);
}

describe('slow clients', () => {
  it('keyshare: header timeout and connections per IP', async () => {
    const ks = await startTestKeyshare({ headerTimeoutMs: 400, maxConnectionsPerIp: 3 });
    await slowClientsAreCut(ks.url, '/checkpoint');
  });

  it('witness: header timeout and connections per IP', async () => {
    const log = new MemLog(keyshare.generateNoteSigner('keys.test/log')).grow(1);
    const w = await startTestWitness({
      logs: [log.verifierKey],
      headerTimeoutMs: 400,
      maxConnectionsPerIp: 3,
    });
    await slowClientsAreCut(w.url, '/healthz');
  });

  it('keyshare with --trust-proxy does not cap the proxy address', async () => {
    const ks = await startTestKeyshare({ trustProxy: true, maxConnectionsPerIp: 2 });
    const held = await Promise.all([1, 2, 3].map(() => rawConnect(ks.url)));
    expect(await rawGet(ks.url, '/checkpoint')).toBe(200);
    for (const c of held) c.socket.destroy();
  });

  it('flags and env vars set both limits; defaults are 10 s and 64', () => {
    const opts = (argv: string[], env = {}) => {
      const r = parseServeArgs(argv, env);
      if (r.help) throw new Error('help');
      return r.options;
    };
    expect(opts(['--header-timeout', '3', '--max-connections-per-ip', '0'])).toMatchObject({
      headerTimeoutMs: 3000,
      maxConnectionsPerIp: 0,
    });
    expect(opts([], { SEALPEER_KEYSHARE_HEADER_TIMEOUT: '7' }).headerTimeoutMs).toBe(7000);
    expect(() => opts(['--header-timeout', '0'])).toThrow(/header-timeout/);
    const w = parseWitnessArgs(['--log', 'k', '--max-connections-per-ip', '9'], {
      SEALPEER_WITNESS_HEADER_TIMEOUT: '5',
    });
    expect(w.help ? null : w.options).toMatchObject({ headerTimeoutMs: 5000, maxConnectionsPerIp: 9 });
    expect(() => parseWitnessArgs(['--log', 'k', '--header-timeout', 'x'], {})).toThrow(/header-timeout/);
  });
});
