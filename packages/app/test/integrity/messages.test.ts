// Messages crossing between page and service worker, and config.json, are untrusted until checked.
import { describe, expect, it } from 'vitest';
import { MSG_TAG, parseCheckRequest, parseStatus, parseStatusMessage } from '../../src/sw/protocol.ts';
import { parseRuntimeConfig } from '../../src/sw/server-origin.ts';

describe('page <-> service worker messages', () => {
  it('accepts well-formed status and check messages', () => {
    const status = {
      state: 'warning',
      message: 'm',
      version: '1.0.0',
      key: 'k+00000000',
      code: 'asset_mismatch',
      file: 'a.js',
    };
    expect(parseStatusMessage({ type: MSG_TAG, status })).toEqual(status);
    expect(parseCheckRequest({ type: MSG_TAG, op: 'check' })).toEqual({ type: MSG_TAG, op: 'check' });
    expect(parseStatus({ state: 'pinned', message: 'ok', extra: 'dropped' })).toEqual({
      state: 'pinned',
      message: 'ok',
    });
  });

  it('refuses wrong types, unknown states, oversize fields and foreign messages', () => {
    const bad: unknown[] = [
      null,
      'pinned',
      { type: 'other', status: { state: 'pinned', message: 'x' } },
      { type: MSG_TAG, status: { state: 'trusted', message: 'x' } },
      { type: MSG_TAG, status: { state: 'pinned' } },
      { type: MSG_TAG, status: { state: 'pinned', message: 'x'.repeat(2001) } },
      { type: MSG_TAG, status: { state: 'pinned', message: 'x', version: 7 } },
      { type: MSG_TAG, status: { state: 'pinned', message: 'x', file: 'f'.repeat(601) } },
    ];
    for (const b of bad) expect(parseStatusMessage(b), JSON.stringify(b)).toBeUndefined();
    for (const b of [null, {}, { type: MSG_TAG }, { type: MSG_TAG, op: 'unpin' }, { type: 'x', op: 'check' }])
      expect(parseCheckRequest(b)).toBeUndefined();
  });
});

describe('config.json', () => {
  it('takes an http(s) relay origin and nothing else', () => {
    expect(parseRuntimeConfig({ server: 'https://relay.example:8443/path?q' })).toEqual({
      server: 'https://relay.example:8443',
    });
    for (const bad of [
      null,
      [],
      'https://x',
      {},
      { server: 42 },
      { server: 'javascript:alert(1)' },
      { server: 'ftp://x' },
      { server: 'not a url' },
      { server: `https://${'a'.repeat(2100)}` },
    ])
      expect(parseRuntimeConfig(bad), JSON.stringify(bad).slice(0, 60)).toBeUndefined();
  });
});
