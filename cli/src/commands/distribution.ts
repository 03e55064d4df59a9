import type { ReferenceSet, RunDistributionView, SetDistances } from '@assay/contracts';
import { parseOptions, positiveNumber } from '../args.js';
import { ApiError, AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { resolveRun } from './compare.js';

const HELP = `usage: assay distribution <run> [options]

Prints a closed run's image-embedding sets (per feature extractor: count and spread) and, with
--reference, its distribution metrics against a reference set: Fréchet distance, KID, CMMD and
precision/recall/density/coverage (docs/distribution.md). The run is a run id or a run name (the newest
closed run of that name). Waits while the run's post-close metrics are still being computed.

options:
  --reference NAME        measure the run against this reference set
  --keep-as NAME          first keep this run as a reference set named NAME (e.g. a golden set)
  --description TEXT      with --keep-as: what the reference set holds
  --seed N                seed of KID's subsets (default 1)
  --timeout SECONDS       how long to wait for the run's post-close metrics (default: 300)
  --json                  print the answer as JSON
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 done, 2 usage error, 3 service unreachable or request refused (e.g. reference_set_not_found,
no_embeddings, embedding_mismatch), 4 timed out waiting for the run's metrics.
`;

const OPTIONS = {
  reference: { type: 'string' },
  'keep-as': { type: 'string' },
  description: { type: 'string' },
  seed: { type: 'string', default: '1' },
  timeout: { type: 'string', default: '300' },
  json: { type: 'boolean', default: false },
  ...CONNECTION_OPTIONS,
} as const;

/** Retries `fn` while the run's run-level metrics are pending (409 run_metrics_pending), until the deadline. */
async function whenReady<T>(fn: () => Promise<T>, deadline: number, what: string): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'run_metrics_pending')) throw err;
      if (Date.now() > deadline)
        throw new CliError(`gave up waiting for ${what}: its run-level metrics are still pending`, ExitCode.Timeout);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const num = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();

export function renderDistribution(view: RunDistributionView): string {
  const lines = [`run ${view.runId}: ${view.sets.length ? 'embedding sets' : 'no embeddings stored (its suite runs no embedding model)'}`];
  for (const s of view.sets)
    lines.push(
      `  ${s.model.features ?? s.model.id} (${s.model.id}@${s.model.version}, ${s.model.dims}-d): n ${s.n}, sampled ${s.sampled}` +
        `${s.missing ? `, ${s.missing} missing` : ''}, spread tr Σ ${s.totalVariance === null ? '—' : num(s.totalVariance)}`,
    );
  if (view.reference) {
    lines.push('', `against reference set ${view.reference.name} (seed ${view.reference.seed}):`);
    for (const d of view.reference.distances) lines.push(...renderDistances(d));
  }
  return `${lines.join('\n')}\n`;
}

function renderDistances(d: SetDistances): string[] {
  return [
    `  ${d.model.features ?? d.model.id}: ${d.labels.frechet} ${num(d.frechet.value)} (n ${d.frechet.n[0]} reference, ${d.frechet.n[1]} run)`,
    `    ${d.labels.kid} ${num(d.kid.mean)} ± ${num(d.kid.std, 2)}  ${d.labels.cmmd} ${num(d.cmmd)}  ` +
      `precision ${num(d.prdc.precision, 3)} recall ${num(d.prdc.recall, 3)} density ${num(d.prdc.density, 3)} coverage ${num(d.prdc.coverage, 3)}`,
  ];
}

export const distributionCommand: Command = {
  name: 'distribution',
  summary: 'a run’s distribution metrics (FD, KID, CMMD, PRDC) against a reference set; keep a run as one',
  help: HELP,
  async run(args, ctx: Context) {
    const { values, positionals } = parseOptions(args, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('give exactly one run');
    const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : NaN;
    if (!Number.isSafeInteger(seed) || seed > 2 ** 31 - 1)
      throw new UsageError(`--seed must be a whole number from 0 to 2147483647, got '${values.seed}'`);
    if (values.description && !values['keep-as']) throw new UsageError('--description goes with --keep-as');
    const deadline = Date.now() + positiveNumber('timeout', values.timeout, 'seconds') * 1000;
    const connection = resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    const client = new AssayClient(connection.url, connection.apiKey);
    const runId = await resolveRun(client, positionals[0]);
    const keepAs = values['keep-as'];
    if (keepAs) {
      const body = { name: keepAs, runId, ...(values.description ? { description: values.description } : {}) };
      const set = await whenReady(() => client.request<ReferenceSet>('POST', '/v1/reference-sets', body), deadline, runId);
      ctx.err.write(`reference set ${set.name} kept from run ${runId} (${set.sets.map((s) => `${s.model.id}: ${s.n}`).join(', ')})\n`);
    }
    const query = values.reference ? `?${new URLSearchParams({ reference: values.reference, seed: String(seed) }).toString()}` : '';
    const path = `/v1/runs/${encodeURIComponent(runId)}/distribution${query}`;
    const view = await whenReady(() => client.request<RunDistributionView>('GET', path, undefined, { idempotent: true }), deadline, runId);
    ctx.out.write(values.json ? `${JSON.stringify(view, null, 2)}\n` : renderDistribution(view));
    return ExitCode.Ok;
  },
};
