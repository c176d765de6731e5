// Usage errors of `sealpeer invite` / `sealpeer join` / `sealpeer code`, run in-process through the CLI dispatcher.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli.ts';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err += String(c);
    return true;
  });
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sealpeer invite / join usage', () => {
  const bad: string[][] = [
    ['invite'],
    ['invite', '--server', 'ftp://x'],
    ['invite', '--server', 'http://127.0.0.1:1', '--bogus'],
    ['invite', '--server', 'http://127.0.0.1:1', '--timeout', 'soon'],
    ['invite', '--server', 'http://127.0.0.1:1', '--ttl', '5'],
    ['invite', '--server', 'http://127.0.0.1:1', 'extra'],
    ['join'],
    ['join', 'https://example.org/p#AAAA'],
    ['join', 'not a uri'],
    ['join', 'a', 'b'],
    ['join', 'https://example.org/p#', '--send'],
    ['code'],
    ['code', 'show', '--server', 'ftp://x'],
    ['code', 'show', '--server', 'http://127.0.0.1:1', '--ttl', '5'],
    ['code', 'show', '--server', 'http://127.0.0.1:1', 'extra'],
    ['code', 'show', '--server', 'http://127.0.0.1:1', '--channel', 'not-a-channel'],
    ['code', 'type', '--channel', '3b1f6c2e-8a4d-4f7b-9c1e-2d5a6b7c8d9e', '--server', 'http://127.0.0.1:1'],
    ['code', 'type', '1234', '--channel', '3b1f6c2e-8a4d-4f7b-9c1e-2d5a6b7c8d9e', '--server', 'http://x'],
    ['code', 'type', '123-456789', '--server', 'http://127.0.0.1:1'],
    ['code', 'type', '123-456789', '--channel', 'ftp://h/#/c/3b1f6c2e-8a4d-4f7b-9c1e-2d5a6b7c8d9e'],
    ['code', 'type', '123-456789', '--channel', '3b1f6c2e-8a4d-4f7b-9c1e-2d5a6b7c8d9e', '--ttl', '60'],
  ];
  for (const argv of bad) {
    it(`exit 2: sealpeer ${argv.join(' ')}`, async () => {
      const io = capture();
      const code = await run(argv);
      vi.restoreAllMocks();
      expect(code).toBe(2);
      expect(io.err()).toMatch(/sealpeer: .+\nRun with --help for usage\./);
    });
  }

  for (const cmd of ['invite', 'join', 'code']) {
    it(`sealpeer ${cmd} --help documents flags, env vars and exit codes`, async () => {
      const io = capture();
      const code = await run([cmd, '--help']);
      vi.restoreAllMocks();
      expect(code).toBe(0);
      for (const s of [
        '--send',
        '--json',
        '--identity',
        'SEALPEER_IDENTITY',
        'Exit codes',
        'integrity_error',
      ])
        expect(io.out()).toContain(s);
    });
  }

  it('sealpeer code --help documents show, type, --channel and SEALPEER_CHANNEL', async () => {
    const io = capture();
    expect(await run(['code', '--help'])).toBe(0);
    vi.restoreAllMocks();
    for (const s of [
      'code show',
      'code type',
      '--channel',
      'SEALPEER_CHANNEL',
      'SEALPEER_SERVER',
      '"event":"code"',
    ])
      expect(io.out()).toContain(s);
  });

  it('lists invite, join and code in the command overview', async () => {
    const io = capture();
    await run(['--help']);
    vi.restoreAllMocks();
    expect(io.out()).toMatch(/invite/);
    expect(io.out()).toMatch(/join/);
    expect(io.out()).toMatch(/\n {2}code +pair by short code/);
  });
});
