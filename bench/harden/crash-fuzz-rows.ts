// The crash-safety and fuzz rows of `npm run harden` (issue 18, items 2 and 3): >= 50 kill -9 rounds of
// each kind (server credential creation, keyshare appends, witness cosigning, online backup) and every
// fuzz property at 10^6 cases.
import {
  crashRounds,
  keyshareCrashRound,
  type RoundResult,
  serverCrashRound,
} from '../../test-support/crash.ts';
import { type BackupRoundResult, backupCrashRound } from '../../test-support/crash-backup.ts';
import { type WitnessRoundResult, witnessCrashRound } from '../../test-support/crash-witness.ts';
import type { Row } from './attacks.ts';
import { type FuzzOptions, type FuzzProperty, fuzzAll } from './fuzz.ts';

type CrashRound = RoundResult | WitnessRoundResult | BackupRoundResult;

/** One row per crash kind: `rounds` kill -9 rounds each (test-support/crash*.ts). */
export async function crashRows(rounds: number, row: (r: Row) => void): Promise<void> {
  const kinds: Array<{ name: string; round: (ms: number) => Promise<CrashRound> }> = [
    { name: 'kill -9 during parallel credential creation (SQLite)', round: serverCrashRound },
    { name: 'kill -9 during keyshare appends', round: keyshareCrashRound },
    { name: 'kill -9 during witness cosigning', round: witnessCrashRound },
    { name: 'kill -9 during online backup (keyshare)', round: backupCrashRound },
  ];
  for (const { name, round } of kinds) {
    const sum = { acked: 0, lost: 0, bad: 0, inconsistent: 0, forkCosigned: 0, backups: 0, ackedBackups: 0 };
    let partial = 0;
    let badBackups = 0;
    let forksTried = 0;
    const t = Date.now();
    for (const r of await crashRounds(rounds, round, 150, 1050)) {
      sum.acked += r.acked;
      sum.lost += r.lost;
      sum.inconsistent += r.inconsistent ?? 0;
      if (r.integrity !== 'ok') sum.bad++;
      if ('forkCosigned' in r) {
        sum.forkCosigned += r.forkCosigned;
        if (r.maxAcked > 0) forksTried++;
      }
      if ('backups' in r) {
        sum.backups += r.backups;
        sum.ackedBackups += r.ackedBackups;
        partial += r.partial;
        badBackups += r.badBackups;
      }
    }
    const extra = [
      name.includes('witness')
        ? `; fork offered after restart in ${forksTried} rounds, cosigned ${sum.forkCosigned}`
        : '',
      name.includes('backup')
        ? `; ${sum.backups} backups asked, ${sum.ackedBackups} acknowledged, ${partial} interrupted mid-copy (left as FILE.partial), ${badBackups} bad or missing`
        : '',
    ].join('');
    row({
      attack: name,
      size: `${rounds} rounds, random kill points 150-1050 ms, ${Math.round((Date.now() - t) / 1000)} s`,
      serverDid: `${sum.acked} acknowledged writes, ${sum.lost} lost, ${sum.bad} failed integrity_check, ${sum.inconsistent} served checkpoints not extended${extra}`,
      legitP99Ms: null,
      bound: 'zero lost, zero integrity failures, zero inconsistent, zero forks cosigned, zero bad backups',
      pass:
        sum.lost === 0 &&
        sum.bad === 0 &&
        sum.inconsistent === 0 &&
        sum.forkCosigned === 0 &&
        badBackups === 0 &&
        sum.acked > 0,
    });
  }
}

/** The fuzz row: every property at opts.runs cases (bench/harden/fuzz.ts); returns the per-property figures. */
export async function fuzzRow(opts: FuzzOptions, row: (r: Row) => void): Promise<FuzzProperty[]> {
  const t = Date.now();
  const fuzzed = await fuzzAll(opts);
  const failed = fuzzed.filter((p) => p.failed);
  const complete = fuzzed.filter((p) => p.runs >= p.target && !p.failed);
  const hours = fuzzed.reduce((s, p) => s + p.remainingSeconds, 0) / 3600 / opts.workers;
  row({
    attack: 'fuzz every parser',
    size: `${fuzzed.length} properties x ${opts.runs} cases, ${opts.workers} worker processes`,
    serverDid: `${complete.length} complete, ${failed.length} failed (${failed.map((p) => p.name).join(', ') || 'none'}; seeds kept in test-support/fuzz-regressions.json), ${fuzzed.length - complete.length - failed.length} stopped at the time budget (about ${hours.toFixed(1)} h left at the measured rates) in ${Math.round((Date.now() - t) / 1000)} s`,
    legitP99Ms: null,
    bound: 'no uncaught exception, registered codes only, no state change on refusal',
    pass: failed.length === 0 && fuzzed.length > 0,
  });
  return fuzzed;
}

/** The markdown table of a fuzz run's properties ('' when fuzzing did not run). */
export function fuzzTable(fuzzed: FuzzProperty[]): string {
  if (fuzzed.length === 0) return '';
  const lines = fuzzed.map((p) => {
    const left = p.remainingSeconds > 0 ? `${(p.remainingSeconds / 3600).toFixed(1)} h` : '-';
    return `| ${p.name} | ${p.file} | ${p.runs} / ${p.target} | ${Math.round(p.rate)} | ${left} | ${p.failed ? '**FAIL**' : 'pass'} |`;
  });
  return `
## Fuzz properties of this run

| property | test file | cases run / target | cases/s (one process) | time left for the rest (one process) | result |
| --- | --- | --- | --- | --- | --- |
${lines.join('\n')}
`;
}
