import { readFileSync, writeFileSync } from 'node:fs';
import type { ComparisonResult, ComparisonView, CreateComparisonRequest, RunsPage, Verdict } from '@assay/contracts';
import { parseOptions, positiveInteger, positiveNumber } from '../args.js';
import { AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { CliError, ExitCode, InputError, UsageError } from '../errors.js';

/** The comparison options `compare` and `eval --compare-to` share. */
export const COMPARISON_OPTIONS = {
  policy: { type: 'string' },
  'policy-file': { type: 'string' },
  slices: { type: 'string' },
  seed: { type: 'string', default: '1' },
  resamples: { type: 'string', default: '10000' },
  report: { type: 'string' },
} as const;

/** Their help lines. */
export const COMPARISON_HELP = `  --policy NAME           launch policy (GET /v1/policies; default: <modality>-launch)
  --policy-file FILE      a policy written inline, as JSON (the fields of a policy YAML file; docs/compare.md)
  --slices KEYS           attribute keys to slice by, comma-separated (beside the policy's own)
  --seed N                resampling seed (default 1): the same runs, policy and seed give the same result
  --resamples N           bootstrap resamples, 1000 to 100000 (default 10000)
  --report FILE           write the HTML report to FILE`;

const HELP = `usage: assay compare <baseline> <candidate> [options]

Compares a candidate run with a baseline run (each a run id, or a run name: the newest closed run of that
name) under a launch policy, waits for the comparison and prints its verdict, the criteria and the score
differences with their 95 % intervals. Both runs must be closed and score the same modality.

options:
${COMPARISON_HELP}
  --timeout SECONDS       how long to wait for the comparison (default: 600)
  --json                  print the whole comparison as JSON
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 GO, 1 NO_GO, 5 INCONCLUSIVE, 2 usage or input error, 3 service unreachable, request refused
or comparison failed, 4 timed out waiting (the comparison goes on); docs/cli.md has the details.
`;

const OPTIONS = {
  ...COMPARISON_OPTIONS,
  timeout: { type: 'string', default: '600' },
  json: { type: 'boolean', default: false },
  ...CONNECTION_OPTIONS,
} as const;

export const VERDICT_EXIT: Record<Verdict, ExitCode> = { GO: ExitCode.Ok, NO_GO: ExitCode.NoGo, INCONCLUSIVE: ExitCode.Inconclusive };

const RUN_ID = /^run_[A-Za-z0-9_-]+$/;

/** A run id as given, or the newest closed run with that name. */
export async function resolveRun(client: AssayClient, ref: string): Promise<string> {
  if (RUN_ID.test(ref)) return ref;
  const query = new URLSearchParams({ name: ref, status: 'closed', limit: '1' }).toString();
  const page = await client.request<RunsPage>('GET', `/v1/runs?${query}`, undefined, { idempotent: true });
  const run = page.items[0];
  if (!run) throw new InputError(`no closed run named '${ref}' (give a run id, or close the run first)`);
  return run.id;
}

function policyOf(values: { policy?: string; 'policy-file'?: string }): CreateComparisonRequest['policy'] {
  if (values.policy && values['policy-file']) throw new UsageError('give --policy or --policy-file, not both');
  const file = values['policy-file'];
  if (!file) return values.policy;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

const num = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '—' : Number(x.toPrecision(digits)).toString());
const ci = (i: readonly [number | null, number | null] | null | undefined) => (i ? `[${num(i[0])}, ${num(i[1])}]` : '—');

/** The verdict, the criteria (failing first) and the score differences, as plain text. */
export function renderComparison(r: ComparisonResult): string {
  const side = (run: ComparisonResult['baseline']) => `${run.name} (${run.modelVersion}, ${run.runId})`;
  const pairing = r.pairing.paired ? `paired by ${r.pairing.key} (${r.pairing.pairs} pairs)` : 'unpaired';
  const lines = [
    `${r.verdict.outcome}  policy ${r.verdict.policy.name}: candidate ${side(r.candidate)} vs baseline ${side(r.baseline)}`,
    `pairing: ${pairing}; criteria judged at ${num(r.settings.gateLevel * 100)} % (alpha ${r.settings.alpha} over the criteria)`,
    '',
    'criteria:',
  ];
  const order = { fail: 0, inconclusive: 1, pass: 2, skipped: 3 };
  for (const c of [...r.verdict.criteria].sort((a, b) => order[a.outcome] - order[b.outcome]))
    lines.push(`  ${c.outcome.toUpperCase().padEnd(12)} ${c.id}: ${c.evidence}`);
  lines.push('', 'scores (candidate − baseline, 95 % interval):');
  const width = Math.max(5, ...r.scores.map((s) => s.score.length));
  for (const s of r.scores)
    lines.push(
      `  ${s.score.padEnd(width)}  ${num(s.difference.value).padStart(10)} ${ci(s.difference.ci).padEnd(24)} p=${num(s.pAdjusted, 2).padEnd(8)} ${s.reading}`,
    );
  for (const e of r.excludedScores) lines.push(`  ${e.score.padEnd(width)}  excluded: ${e.detail}`);
  return `${lines.join('\n')}\n`;
}

export interface ComparisonRequest {
  body: Omit<CreateComparisonRequest, 'baselineRunId' | 'candidateRunId'>;
  report?: string;
}

/** Checks the comparison options before anything is sent. */
export function comparisonRequest(values: {
  policy?: string;
  'policy-file'?: string;
  slices?: string;
  seed: string;
  resamples: string;
  report?: string;
}): ComparisonRequest {
  const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : NaN;
  if (!Number.isSafeInteger(seed) || seed > 0xffffffff)
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got '${values.seed}'`);
  const resamples = positiveInteger('resamples', values.resamples, 100_000);
  if (resamples < 1000) throw new UsageError(`--resamples must be at least 1000, got '${values.resamples}'`);
  const policy = policyOf(values);
  const slices = values.slices
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { body: { seed, resamples, ...(policy ? { policy } : {}), ...(slices?.length ? { slices } : {}) }, report: values.report };
}

/**
 * Asks for a comparison of two runs (ids or names), waits for it and writes the report when asked; the
 * finished view, or a CliError (failed comparison: exit 3; timeout: exit 4).
 */
export async function compareRuns(
  client: AssayClient,
  ctx: Context,
  refs: { baseline: string; candidate: string },
  request: ComparisonRequest,
  timeoutSeconds: number,
): Promise<ComparisonView & { result: ComparisonResult }> {
  const [baselineRunId, candidateRunId] = await Promise.all([resolveRun(client, refs.baseline), resolveRun(client, refs.candidate)]);
  const body: CreateComparisonRequest = { baselineRunId, candidateRunId, ...request.body };
  const created = await client.request<ComparisonView>('POST', '/v1/comparisons', body);
  const path = `/v1/comparisons/${created.id}`;
  ctx.err.write(`comparison ${created.id} queued: ${baselineRunId} (baseline) vs ${candidateRunId} (candidate)\n`);

  const deadline = Date.now() + timeoutSeconds * 1000;
  let view = created;
  while (view.status === 'queued' || view.status === 'running') {
    if (Date.now() > deadline)
      throw new CliError(`gave up waiting after ${timeoutSeconds} s; the comparison goes on: GET ${path}`, ExitCode.Timeout);
    await new Promise((r) => setTimeout(r, 500));
    view = await client.request<ComparisonView>('GET', path, undefined, { idempotent: true });
  }
  const { result } = view;
  if (view.status === 'failed' || !result)
    throw new CliError(
      `comparison ${view.id} failed: ${view.error?.code ?? 'unknown'}: ${view.error?.message ?? 'no result'}`,
      ExitCode.Service,
    );
  if (request.report) {
    const html = await client.request<string>('GET', `${path}/report`, undefined, { idempotent: true, text: true });
    try {
      writeFileSync(request.report, html);
    } catch (err) {
      throw new InputError(`cannot write ${request.report}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    ctx.err.write(`report written to ${request.report}\n`);
  }
  return { ...view, result };
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'compare a candidate run with a baseline run under a launch policy: GO, NO_GO or INCONCLUSIVE',
  help: HELP,
  async run(args, ctx: Context) {
    const { values, positionals } = parseOptions(args, OPTIONS);
    if (positionals.length !== 2) throw new UsageError('give exactly two runs: <baseline> <candidate>');
    const timeoutSeconds = positiveNumber('timeout', values.timeout, 'seconds');
    const request = comparisonRequest(values);
    const connection = resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    const client = new AssayClient(connection.url, connection.apiKey);
    const view = await compareRuns(client, ctx, { baseline: positionals[0], candidate: positionals[1] }, request, timeoutSeconds);
    ctx.out.write(values.json ? `${JSON.stringify(view, null, 2)}\n` : renderComparison(view.result));
    return VERDICT_EXIT[view.result.verdict.outcome];
  },
};
