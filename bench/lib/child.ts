// Runs bench code in its own process (a TypeScript module through tsx) and talks to it over the IPC
// channel with a tiny request/response protocol, so that a server under test and the load that drives
// it never share an event loop.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Request {
  id: number;
  op: string;
  args?: unknown;
}
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** A forked bench process: `call(op, args)` sends a request, resolves with the handler's result. */
export class Child {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Promise<number | null>;
  readonly stderr: string[] = [];

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    proc.stderr?.on('data', (d: Buffer) => {
      this.stderr.push(d.toString());
      if (this.stderr.length > 50) this.stderr.shift();
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code) => {
        for (const p of this.pending.values()) {
          p.reject(new Error(`bench child exited (${code}): ${this.stderr.join('').slice(-800)}`));
        }
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Forks `module` (a path relative to this file's folder, or absolute) with tsx loaded. */
  static start(module: string | URL, opts: { nodeArgs?: string[]; args?: string[] } = {}): Child {
    const path = module instanceof URL ? fileURLToPath(module) : module;
    const proc = fork(path, opts.args ?? [], {
      execArgv: ['--conditions=@sealpeer/source', '--import', 'tsx', ...(opts.nodeArgs ?? [])],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return new Child(proc);
  }

  call<T>(op: string, args?: unknown, timeoutMs = 600_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench child: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, op, args } satisfies Request);
    });
  }

  /** Asks the child to exit, then kills it if it has not within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** In the child: serve requests with `handlers`; each returns (a promise of) a structured-cloneable value. */
export function serve(handlers: Record<string, (args: unknown) => unknown>): void {
  process.on('message', async (m: Request) => {
    const h = handlers[m.op];
    try {
      if (!h) throw new Error(`unknown op ${m.op}`);
      const result = await h(m.args);
      process.send?.({ id: m.id, ok: true, result } satisfies Reply);
    } catch (e) {
      process.send?.({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

/** Process resource usage as plain numbers (bytes, CPU microseconds). */
export function usage(): {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  cpuUs: number;
} {
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external + m.arrayBuffers,
    cpuUs: c.user + c.system,
  };
}
