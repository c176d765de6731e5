// `sealpeer` CLI: dispatches to one module per subcommand in ./cli/. Each exports
// `main(argv: string[]): Promise<number>` and returns the process exit code
// (0 ok, 2 bad usage, 3 integrity failure, 1 anything else).
const commands: Record<
  string,
  { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }
> = {};

export function registerCommand(
  name: string,
  summary: string,
  load: () => Promise<{ main(argv: string[]): Promise<number> }>,
): void {
  commands[name] = { summary, load };
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`);
  return [
    'Usage: sealpeer <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `sealpeer <command> --help` for its options.',
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  await import('./cli/commands.ts');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`sealpeer: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return (await cmd.load()).main(rest);
}
