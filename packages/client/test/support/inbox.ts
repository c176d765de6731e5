// A session's received messages as text, and its integrity errors, for tests that wait for deliveries.
import type { Session } from '../../src/session/session.ts';
import { text } from './peers.ts';

/** Collects a session's messages as text and every integrity error. */
export function inbox(s: Session) {
  const got: string[] = [];
  const errors: string[] = [];
  s.on('message', (m) => got.push(text(m)));
  s.on('integrity-error', (e) => errors.push(e.reason));
  return {
    got,
    errors,
    until: async (n: number, ms = 15_000): Promise<string[]> => {
      const end = Date.now() + ms;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return got;
    },
  };
}
