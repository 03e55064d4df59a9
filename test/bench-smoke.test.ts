import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every `npm run bench:*` script runs end to end in quick mode (BENCH_QUICK=1: one round, smallest case), so
 * a benchmark cannot rot unnoticed between the times someone measures with it. Its figures are not checked.
 */
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const benches = Object.entries(scripts).filter(([name]) => name.startsWith('bench:'));

/** Runs a script without blocking this worker (a blocked worker misses vitest's RPC deadline on slow benches). */
function run(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, BENCH_QUICK: '1' }, timeout: 170_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('benchmarks (quick mode)', () => {
  it('there are benchmarks, each running one compiled script', () => {
    expect(benches.length).toBeGreaterThanOrEqual(5);
    for (const [, command] of benches) expect(command).toMatch(/&& node test\/dist\/bench\/[\w-]+\.bench\.js$/);
  });

  it.each(benches)(
    '%s runs and prints its table',
    async (name, command) => {
      // npm test has built already: run the compiled script the npm script names
      const result = await run(command.split('&& node ')[1]);
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`${name} —`);
      expect(result.stdout).toMatch(/^-+( +-+)+$/m); // a table's rule
    },
    180_000,
  );
});
