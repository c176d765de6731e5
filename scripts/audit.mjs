#!/usr/bin/env node
// `npm run audit:prod`: `npm audit --omit=dev`, failing on a high or critical advisory in a production
// dependency (issue 18, item 5; docs/operators/supply-chain.md). When npm's audit endpoint cannot be
// reached (offline, or a registry mirror without the advisories API), the audit did NOT run: this says so
// in a banner and exits 2, never 0, unless SEALPEER_AUDIT_OPTIONAL=1 (then it warns and exits 0).
import { spawnSync } from 'node:child_process';

const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(r.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = String(
    report?.message ?? report?.error?.summary ?? r.error?.message ?? r.stderr ?? 'no answer',
  ).trim();
  const optional = process.env.SEALPEER_AUDIT_OPTIONAL === '1';
  console.error(
    [
      '==================================================================',
      ' npm audit DID NOT RUN: the registry audit endpoint was unreachable.',
      ` ${why.split('\n').slice(0, 3).join('\n ')}`,
      ' Production dependencies were NOT checked for advisories.',
      optional
        ? ' SEALPEER_AUDIT_OPTIONAL=1: continuing anyway.'
        : ' Failing. Run where registry.npmjs.org is reachable, or set SEALPEER_AUDIT_OPTIONAL=1 to continue.',
      '==================================================================',
    ].join('\n'),
  );
  process.exit(optional ? 0 : 2);
}
const high = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `npm audit --omit=dev: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
    `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`,
);
if (high > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {}))
    if (v.severity === 'high' || v.severity === 'critical')
      console.error(`  ${v.severity}: ${name} (${v.range})`);
  console.error(
    'High or critical advisories in production dependencies: update them (npm audit fix) or pin.',
  );
  process.exit(1);
}
