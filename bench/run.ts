// `npm run bench` (scripts/bench.mjs runs this through tsx): runs every section, prints one table and
// writes bench/results.json with the machine it ran on. Flags: --quick (reduced set, < 2 minutes),
// --only=relay,crypto (comma list of sections), --profile (CPU profile of the sealpeer relay under peak
// load, summarised), --markdown (also print the table as Markdown for docs/performance.md).
import { writeFileSync } from 'node:fs';
import { machineInfo } from './lib/machine.ts';
import { type Ctx, runSection, type Section, type SectionResult } from './lib/section.ts';
import { renderMarkdown, renderTable } from './lib/table.ts';
import { browserSection } from './sections/browser.ts';
import { connectionsSection } from './sections/connections.ts';
import { cryptoSection } from './sections/crypto.ts';
import { firstLoadSection } from './sections/first-load.ts';
import { httpSection } from './sections/http.ts';
import { idleSection } from './sections/idle.ts';
import { keyshareSection } from './sections/keyshare.ts';
import { openLoopSection } from './sections/open-loop.ts';
import { relaySection } from './sections/relay.ts';
import { scaleOutSection } from './sections/scale-out.ts';

const SECTIONS: Record<string, Section> = {
  relay: relaySection,
  connections: connectionsSection,
  http: httpSection,
  crypto: cryptoSection,
  keyshare: keyshareSection,
  browser: browserSection,
  firstload: firstLoadSection,
  scaleout: scaleOutSection,
  openloop: openLoopSection,
  idle: idleSection,
};

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const profile = argv.includes('--profile');
  const markdown = argv.includes('--markdown');
  const targets = argv
    .find((a) => a.startsWith('--targets='))
    ?.slice('--targets='.length)
    .split(',');
  const experiment = argv.find((a) => a.startsWith('--experiment='))?.slice('--experiment='.length);
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      'usage: npm run bench -- [--quick] [--only=relay,connections,http,crypto,keyshare,browser,firstload,scaleout,openloop,idle] [--targets=ws,peerjs,sealpeer] [--profile] [--experiment=cork] [--markdown]',
    );
    process.exit(0);
  }
  const unknown = only?.filter((s) => !(s in SECTIONS)) ?? [];
  if (unknown.length) {
    console.error(
      `bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`,
    );
    process.exit(2);
  }
  return { quick, profile, markdown, only, targets, experiment };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const ctx: Ctx = {
    quick: args.quick,
    profile: args.profile,
    ...(args.targets ? { targets: args.targets } : {}),
    ...(args.experiment ? { experiment: args.experiment } : {}),
    log: (m) => console.error(m),
  };
  const machine = machineInfo();
  const started = performance.now();
  console.error(
    `bench${args.quick ? ' --quick' : ''}: ${machine.cpuModel} x${machine.cores}, node ${machine.node}, ` +
      `load ${machine.loadAvg1m} (other work on this machine skews the figures)`,
  );
  const results: SectionResult[] = [];
  for (const [name, fn] of Object.entries(SECTIONS)) {
    if (args.only && !args.only.includes(name)) continue;
    results.push(await runSection(name, fn, ctx));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(renderTable(results));
  if (args.markdown) console.log(`\n${renderMarkdown(results)}`);
  const out = new URL('./results.json', import.meta.url);
  writeFileSync(
    out,
    `${JSON.stringify({ command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), machine, seconds, loadAvgAfter: machineInfo().loadAvg1m, sections: results }, null, 2)}\n`,
  );
  console.error(`bench: ${seconds.toFixed(0)} s; wrote bench/results.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
