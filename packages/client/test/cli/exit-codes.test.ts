// The CLI's exit code follows the failure kinds (docs/protocol.md 2.8, 2.12): 3 if and only if it printed
// an `integrity_error` line, whatever came before or after (e.g. a forged frame after `done`); 1 with a
// neutral `connect_failed` error for could not connect.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, emit, report, runPairingCommand } from '../../src/cli/pairing-common.ts';
import { ConnectError, SignalingIntegrityError } from '../../src/errors/integrity.ts';

let lines: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});
function capture(): void {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
}
const events = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('CLI exit codes', () => {
  it('could not connect → a connect_failed error line, exit 1, no integrity_error', async () => {
    capture();
    const code = await runPairingCommand([], {}, '', async () => {
      throw new ConnectError('peer_aborted', undefined, 'invite_used');
    });
    expect(code).toBe(EXIT.failure);
    expect(events()).toEqual([
      expect.objectContaining({ event: 'error', code: 'connect_failed', reason: 'peer_aborted' }),
    ]);
    expect(events()[0]!.message).toMatch(/could not connect/);
  });

  it('an integrity_error printed after done still makes the run exit 3', async () => {
    capture();
    const code = await runPairingCommand([], {}, '', async () => {
      emit({ event: 'done' });
      report(new SignalingIntegrityError('bad_tag', 'a forged frame after done'));
      return EXIT.ok;
    });
    expect(events().map((e) => e.event)).toEqual(['done', 'integrity_error']);
    expect(code).toBe(EXIT.integrity);
  });

  it('an integrity_error printed after the command returned sets the process exit code to 3', () => {
    capture();
    report(new SignalingIntegrityError('counter_gap'));
    expect(process.exitCode).toBe(EXIT.integrity);
  });
});
