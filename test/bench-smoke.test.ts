import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every `npm run bench:*` script runs end to end in quick mode (BENCH_QUICK=1: one round, smallest case), so
 * a benchmark cannot rot unnoticed between the times someone measures with it. Its figures are not checked.
 */
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const benches = Object.entries(scripts).filter(([name]) => name.startsWith('bench:'));

describe('benchmarks (quick mode)', () => {
  it('there are benchmarks, each running one compiled script', () => {
    expect(benches.length).toBeGreaterThanOrEqual(5);
    for (const [, command] of benches) expect(command).toMatch(/&& node test\/dist\/bench\/[\w-]+\.bench\.js$/);
  });

  it.each(benches)(
    '%s runs and prints its table',
    (name, command) => {
      // npm test has built already: run the compiled script the npm script names
      const script = command.split('&& node ')[1];
      const run = spawnSync(process.execPath, [script], {
        env: { ...process.env, BENCH_QUICK: '1' },
        encoding: 'utf8',
        timeout: 170_000,
      });
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`${name} —`);
      expect(run.stdout).toMatch(/^-+( +-+)+$/m); // a table's rule
    },
    180_000,
  );
});
