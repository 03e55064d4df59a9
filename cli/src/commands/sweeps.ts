import type { SweepRunRecord, Verdict } from '@assay/contracts';
import { parseOptions } from '../args.js';
import { AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { UsageError } from '../errors.js';

const HELP = `usage: assay sweeps list [options]
       assay sweeps trigger <name> [--date YYYY-MM-DD] [options]

Nightly sweeps (docs/sweeps.md). list: every configured sweep with its schedule, its next run, its latest run
and the verdict of its last successful run. trigger: runs a sweep now, for --date or the date its schedule gives
now; a date whose run is in progress or done is refused (sweep_run_exists), a failed one runs again.

options:
  --date YYYY-MM-DD       trigger: the date to run (its manifest is read for that date)
  --json                  print the API's answer as JSON
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 done, 2 usage error, 3 service unreachable or request refused (e.g. sweep_not_found, sweep_run_exists).
`;

const OPTIONS = { date: { type: 'string' }, json: { type: 'boolean', default: false }, ...CONNECTION_OPTIONS } as const;

/** What `GET /v1/sweeps` answers that the table shows (the whole answer is in --json). */
interface SweepListing {
  name: string;
  schedule: { cron: string; timezone: string };
  nextRunAt: string;
  lastRun: SweepRunRecord | null;
  lastSuccess: { date: string; verdict?: Verdict } | null;
}

/** One line per sweep: name, schedule, next run, latest run and last verdict. */
export function renderSweeps(sweeps: SweepListing[]): string {
  if (!sweeps.length) return 'no sweeps configured (SWEEPS_DIR, SWEEPS_URI: docs/sweeps.md)\n';
  const rows = [
    ['sweep', 'schedule', 'next run', 'latest run', 'last verdict'],
    ...sweeps.map((s) => [
      s.name,
      `${s.schedule.cron} (${s.schedule.timezone})`,
      s.nextRunAt,
      s.lastRun ? `${s.lastRun.date} ${s.lastRun.state}${s.lastRun.error ? ` ${s.lastRun.error.code}` : ''}` : '—',
      s.lastSuccess ? `${s.lastSuccess.verdict ?? 'no baseline'} (${s.lastSuccess.date})` : '—',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export const sweepsCommand: Command = {
  name: 'sweeps',
  summary: 'list nightly sweeps with their last verdict, or run one now',
  help: HELP,
  async run(args, ctx: Context) {
    const { values, positionals } = parseOptions(args, OPTIONS);
    const [action, name, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    const connection = () => resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    if (action === 'list') {
      if (name) throw new UsageError(`unexpected argument ${name}`);
      if (values.date) throw new UsageError('--date is an option of trigger');
      const { url, apiKey } = connection();
      const sweeps = await new AssayClient(url, apiKey).request<SweepListing[]>('GET', '/v1/sweeps', undefined, { idempotent: true });
      ctx.out.write(values.json ? `${JSON.stringify(sweeps, null, 2)}\n` : renderSweeps(sweeps));
      return 0;
    }
    if (action === 'trigger') {
      if (!name) throw new UsageError('give the sweep to run: assay sweeps trigger <name>');
      if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
        throw new UsageError(`--date must look like YYYY-MM-DD, got '${values.date}'`);
      const { url, apiKey } = connection();
      const body = values.date ? { date: values.date } : {};
      // not idempotent on purpose: a retry after a lost answer is refused with sweep_run_exists, which is the truth
      const run = await new AssayClient(url, apiKey).request<SweepRunRecord>(
        'POST',
        `/v1/sweeps/${encodeURIComponent(name)}/trigger`,
        body,
      );
      ctx.out.write(
        values.json
          ? `${JSON.stringify(run, null, 2)}\n`
          : `sweep ${run.sweep} ${run.date} (attempt ${run.attempt}) begun: run ${run.runId}; follow it with assay sweeps list\n`,
      );
      return 0;
    }
    throw new UsageError(action ? `unknown action ${action}; give list or trigger` : 'give an action: list or trigger');
  },
};
