// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so
// any CI reading the log sees how many tests ran (a run that executed none is visible, not silent).
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    // Written at exit so it is the run's last line, after vitest's own summary.
    process.once('exit', () => {
      // Unhandled errors fail the run even when every test passed; say so on the same line.
      const errors = unhandledErrors.length > 0 ? `, ${unhandledErrors.length} unhandled errors` : '';
      process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped${errors}\n`);
    });
  }
}
