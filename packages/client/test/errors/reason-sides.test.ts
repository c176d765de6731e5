// Two kinds of failure, never mixed (docs/protocol.md Part 2, 2.8): each session reason is pinned to one
// side here, and the error a session ends with for it has that side's class, code and event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../test-support/vectors.ts';
import {
  ConnectError,
  type ReasonSide,
  reasonSide,
  SESSION_REASONS,
  type SessionReason,
  SignalingIntegrityError,
  sessionEndError,
} from '../../src/errors/integrity.ts';

/** The side of every reason, written out: a change here is a change of the security promise. */
const SIDES: Record<SessionReason, ReasonSide> = {
  malformed: 'connect',
  bad_version: 'dropped',
  route_mismatch: 'dropped',
  replay: 'integrity',
  counter_gap: 'integrity',
  unexpected_type: 'connect',
  handshake_failed: 'integrity',
  bad_tag: 'integrity',
  bad_padding: 'integrity',
  identity_mismatch: 'integrity',
  invite_unknown: 'connect',
  invite_expired: 'connect',
  invite_used: 'connect',
  unknown_peer: 'connect',
  dtls_fingerprint_mismatch: 'integrity',
  peer_aborted: 'connect',
  timeout: 'connect',
  closed: 'connect',
  wrong_session: 'dropped',
  checkpoint_rejected: 'integrity',
  peer_unreachable: 'connect',
  peer_alarm: 'integrity',
  attempts_exhausted: 'connect',
  wrong_code: 'connect',
};

describe('reason sides', () => {
  it('pins every reason (and no other)', () => {
    expect(Object.keys(SIDES).sort()).toEqual([...SESSION_REASONS].sort());
  });

  it.each([...SESSION_REASONS])('%s', (reason) => {
    const side = SIDES[reason];
    expect(reasonSide(reason)).toBe(side);
    const err = sessionEndError(reason, 'detail');
    if (side === 'integrity') {
      expect(err).toBeInstanceOf(SignalingIntegrityError);
      expect(err?.code).toBe('signaling_integrity');
      expect(err?.kind).toBe('integrity');
    } else if (side === 'connect') {
      expect(err).toBeInstanceOf(ConnectError);
      expect(err).not.toBeInstanceOf(SignalingIntegrityError);
      expect(err?.code).toBe('connect_failed');
      expect(err?.kind).toBe('connect');
    } else {
      expect(err).toBeUndefined();
    }
  });

  it('relay-causable reasons are never integrity: presence, invites, timeouts, unauthenticated endings', () => {
    for (const r of [
      'peer_unreachable',
      'invite_unknown',
      'invite_expired',
      'invite_used',
      'timeout',
      'closed',
      'peer_aborted',
    ] as const)
      expect(reasonSide(r)).toBe('connect');
  });

  it('docs/errors.md lists the side of each reason, in ABORT byte order', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (integrity|connect|dropped) \|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows.map((r) => r[0])).toEqual([...SESSION_REASONS]);
    for (const [r, side] of rows) expect(side, r).toBe(SIDES[r as SessionReason]);
  });
});
