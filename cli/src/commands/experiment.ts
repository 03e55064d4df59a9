import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type {
  CausalAnalysis,
  EventBatchResult,
  EventImport,
  ExperimentAnalysis,
  ExperimentView,
  MetricResult,
  PlanResult,
} from '@assay/contracts';
import { parseOptions, positiveInteger, positiveNumber } from '../args.js';
import { AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { UsageError } from '../errors.js';
import { table } from '../text-table.js';

const HELP = `usage: assay experiment create <experiment.json> [options]
       assay experiment events <id> <events.ndjson> [options]
       assay experiment import <id> <s3://bucket/key or prefix/> [--format ndjson|parquet] [--wait] [options]
       assay experiment report <id> [--html <file>] [options]
       assay experiment causal <id> <request.json> [options]
       assay experiment plan (--rate <p> | --mean <m> --sd <s>) (--mde <abs> | --mde-relative <r> | --units <n>) [options]
       assay experiment stop <id> [options]

Online experiments (docs/experiments.md). create: an experiment from a JSON body of POST /v1/experiments;
events: send an NDJSON file of events (and { "unitId", "covariates" } lines) in batches; import: read an
export from S3 in the background; report: the readout — sample ratio check first, then every treatment's
lift per metric with intervals, CUPED, guardrails and the decision (--html saves the report page);
causal: the observational effect of an asset attribute on engagement; plan: units per variant for an
effect, or the effect a sample size detects; stop: no more events.

options:
  --html <file>           report: also save the self-contained HTML report
  --format <f>            import: ndjson or parquet (default: from the extension)
  --wait                  import: wait until the import is done and print its counts
  --rate <p>              plan: the primary metric's rate today (e.g. 0.04)
  --mean <m>, --sd <s>    plan: its mean and standard deviation per unit
  --mde <x>, --mde-relative <r>   plan: the effect to detect, absolute or relative (0.05 = 5 %)
  --units <n>             plan: units per variant (gives the detectable effect instead)
  --variants <n>          plan: variants, control included (default 2)
  --alpha <a>, --power <p>  plan: default 0.05 and 0.8
  --json                  print the API's answer as JSON
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 done, 2 usage or input error, 3 service unreachable or request refused (e.g. experiment_not_found, unknown_variant).
`;

const OPTIONS = {
  html: { type: 'string' },
  format: { type: 'string' },
  wait: { type: 'boolean', default: false },
  rate: { type: 'string' },
  mean: { type: 'string' },
  sd: { type: 'string' },
  mde: { type: 'string' },
  'mde-relative': { type: 'string' },
  units: { type: 'string' },
  variants: { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  json: { type: 'boolean', default: false },
  ...CONNECTION_OPTIONS,
} as const;

/** Lines sent per request (the API takes up to 10 000 events and 10 000 unit lines per batch). */
const BATCH = 5_000;

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} %`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));
const pValue = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

function metricRow(m: MetricResult): string[] {
  return [
    m.metric,
    m.role,
    num(m.control.estimate),
    num(m.treatment.estimate),
    `${pct(m.relativeLift.estimate)} [${pct(m.relativeLift.ci[0])}, ${pct(m.relativeLift.ci[1])}]`,
    pValue(m.difference.pValue),
    m.pValueAdjusted === undefined ? '—' : pValue(m.pValueAdjusted),
    m.sequential ? `${num(m.sequential.ci[0])} … ${num(m.sequential.ci[1])}` : '—',
    m.cuped ? `${(m.cuped.varianceReduction * 100).toFixed(1)} %` : '—',
    m.nonInferiority ? (m.nonInferiority.passed ? 'holds' : 'not shown') : '—',
    m.significant ? 'yes' : 'no',
  ];
}

/** The readout as a reader scans it: the sample ratio check first, then each treatment's decision and metrics. */
export function renderExperimentReport(a: ExperimentAnalysis): string {
  const out = [
    `experiment ${a.experimentId} "${a.name}" — ${a.units.total} ${a.unit}s, ${a.events.accepted} events (${a.events.duplicates} duplicates ignored)`,
  ];
  const counts = Object.entries(a.srm.observed)
    .map(([k, n]) => `${k} ${n} (expected ${a.srm.expected[k].toFixed(0)})`)
    .join(', ');
  out.push(
    `sample ratio: ${a.srm.passed ? 'ok' : 'MISMATCH'} — ${counts}; χ² = ${a.srm.statistic.toFixed(2)}, p = ${a.srm.pValue.toPrecision(3)}`,
  );
  if (a.blockedReason) out.push(`READOUT BLOCKED: ${a.blockedReason}`);
  for (const c of a.comparisons) {
    out.push('', `${c.variant} vs ${c.control}: ${c.decision.toUpperCase().replace('_', ' ')} — ${c.reasons.join('; ')}`);
    out.push(
      table([
        [
          'metric',
          'role',
          c.control,
          c.variant,
          'relative lift (95 % CI)',
          'p',
          'Holm p',
          'always-valid CI',
          'CUPED var. cut',
          'non-inferior',
          'significant',
        ],
        ...c.metrics.map(metricRow),
      ]),
    );
  }
  if (a.plan.unitsPerVariant)
    out.push('', `plan: ${a.plan.unitsPerVariant} units per variant; smallest variant at ${((a.plan.progress ?? 0) * 100).toFixed(0)} %`);
  for (const n of a.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

export function renderCausal(c: CausalAnalysis): string {
  const row = (name: string, e: { estimate: number; ci: [number, number]; pValue: number }) => [
    name,
    num(e.estimate),
    `[${num(e.ci[0])}, ${num(e.ci[1])}]`,
    pValue(e.pValue),
  ];
  const worst = c.balance.reduce((m, b) => Math.max(m, Math.abs(b.smdAfter)), 0);
  return [
    `causal analysis of ${JSON.stringify(c.request.treatment)} on ${c.request.outcome.numerator}/${c.request.outcome.denominator} — ` +
      `${c.assets.joined} assets (${c.assets.treated} treated, ${c.assets.control} control), mean outcome ${num(c.outcomeMean)}`,
    table([
      ['estimator', 'effect', '95 % CI', 'p'],
      row('naive difference', c.naive),
      row(`regression (${c.regression.covType})`, c.regression),
      row('IPW', c.ipw),
      row('AIPW (doubly robust)', c.aipw),
    ]),
    `overlap: ${c.overlap.trimmed} assets trimmed outside propensity [${c.overlap.trimBounds.join(', ')}]; ` +
      `largest |SMD| after weighting ${worst.toFixed(3)}; E-value ${c.eValue.point.toFixed(2)} (CI bound ${c.eValue.ciBound.toFixed(2)})`,
    `assumptions: ${c.assumptions}`,
    '',
  ].join('\n');
}

function renderPlan(p: PlanResult): string {
  const rel = p.mde.relative === undefined ? '' : ` (${pct(p.mde.relative)})`;
  return [
    `${p.unitsPerVariant} units per variant, ${p.totalUnits} in all, detect ${num(p.mde.absolute)}${rel} ` +
      `with power ${p.power.toFixed(3)} at α = ${p.alphaPerComparison.toPrecision(3)}`,
    ...p.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}

function readJson(cwd: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
}

/** Streams an NDJSON file to the API in batches; event ids make a re-run after an interruption safe. */
async function sendEvents(client: AssayClient, id: string, file: string): Promise<EventBatchResult & { lines: number }> {
  const total = { accepted: 0, duplicates: 0, units: 0, lines: 0 };
  let events: unknown[] = [];
  let units: unknown[] = [];
  const flush = async () => {
    if (!events.length && !units.length) return;
    const r = await client.request<EventBatchResult>('POST', `/v1/experiments/${id}/events`, { events, units }, { idempotent: true });
    total.accepted += r.accepted;
    total.duplicates += r.duplicates;
    total.units += r.units;
    events = [];
    units = [];
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    total.lines++;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${file}:${total.lines}: not JSON`);
    }
    if ('covariates' in value) units.push(value);
    else events.push(value);
    if (events.length >= BATCH || units.length >= BATCH) await flush();
  }
  await flush();
  return total;
}

function planBody(values: Record<string, string | boolean | undefined>) {
  const n = (k: string) => (typeof values[k] === 'string' ? positiveNumber(`--${k}`, values[k], k) : undefined);
  const baseline =
    values.rate !== undefined ? { rate: n('rate') } : values.mean !== undefined ? { mean: Number(values.mean), sd: n('sd') } : undefined;
  if (!baseline) throw new UsageError('give the baseline: --rate, or --mean and --sd');
  const mde =
    values.mde !== undefined ? { absolute: n('mde') } : values['mde-relative'] !== undefined ? { relative: n('mde-relative') } : undefined;
  const units = typeof values.units === 'string' ? positiveInteger('--units', values.units, 1e12) : undefined;
  if ((mde === undefined) === (units === undefined)) throw new UsageError('give one of --mde, --mde-relative or --units');
  const variants = typeof values.variants === 'string' ? positiveInteger('--variants', values.variants, 10) : undefined;
  return { baseline, mde, unitsPerVariant: units, variants, alpha: n('alpha'), power: n('power') };
}

const ACTIONS = ['create', 'events', 'import', 'report', 'causal', 'plan', 'stop'];

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'online experiments: create one, send or import events, read the A/B readout and the causal analysis, plan',
  help: HELP,
  async run(args, ctx: Context) {
    const { values, positionals } = parseOptions(args, OPTIONS);
    const [action, target, file, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (!ACTIONS.includes(action ?? ''))
      throw new UsageError(`${action ? `unknown action ${action}` : 'give an action'}: ${ACTIONS.join(', ')}`);
    if (action !== 'plan' && !target)
      throw new UsageError(action === 'create' ? 'give the experiment JSON file' : 'give the experiment id');
    if (['events', 'import', 'causal'].includes(action) && !file)
      throw new UsageError(`give the ${action === 'import' ? 'S3 URI' : 'file'}`);
    if (!['events', 'import', 'causal'].includes(action) && file) throw new UsageError(`unexpected argument ${file}`);
    const { url, apiKey } = resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    const client = new AssayClient(url, apiKey);
    const print = (value: unknown, text: string) => ctx.out.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
    const id = encodeURIComponent(target ?? '');
    switch (action) {
      case 'create': {
        const e = await client.request<ExperimentView>('POST', '/v1/experiments', readJson(ctx.cwd, target));
        print(
          e,
          `experiment ${e.id} created (${e.variants.map((v) => v.key).join(', ')}); send events with assay experiment events ${e.id} <events.ndjson>\n`,
        );
        break;
      }
      case 'events': {
        const r = await sendEvents(client, id, resolve(ctx.cwd, file));
        print(r, `${r.lines} lines sent: ${r.accepted} events counted, ${r.duplicates} already seen, ${r.units} new units\n`);
        break;
      }
      case 'import': {
        let imp = await client.request<EventImport>('POST', `/v1/experiments/${id}/imports`, { uri: file, format: values.format });
        while (values.wait && (imp.status === 'queued' || imp.status === 'running')) {
          await new Promise((r) => setTimeout(r, 1000));
          imp = await client.request<EventImport>('GET', `/v1/experiments/${id}/imports/${imp.importId}`, undefined, { idempotent: true });
        }
        const codes = Object.entries(imp.rejectedByCode)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ');
        print(
          imp,
          `import ${imp.importId} ${imp.status}: ${imp.read} rows read, ${imp.accepted} events counted, ${imp.duplicates} already seen, ` +
            `${imp.rejected} rejected${codes ? ` (${codes})` : ''}${imp.failure ? ` — ${imp.failure.code}: ${imp.failure.message}` : ''}\n`,
        );
        break;
      }
      case 'report': {
        const analysis = await client.request<ExperimentAnalysis>('GET', `/v1/experiments/${id}/analysis`, undefined, { idempotent: true });
        if (values.html) {
          const html = await client.request<string>('GET', `/v1/experiments/${id}/report.html`, undefined, {
            idempotent: true,
            text: true,
          });
          writeFileSync(resolve(ctx.cwd, values.html), html);
        }
        print(analysis, renderExperimentReport(analysis) + (values.html ? `report saved to ${values.html}\n` : ''));
        break;
      }
      case 'causal': {
        const c = await client.request<CausalAnalysis>('POST', `/v1/experiments/${id}/causal`, readJson(ctx.cwd, file));
        print(c, renderCausal(c));
        break;
      }
      case 'plan': {
        const p = await client.request<PlanResult>('POST', '/v1/experiments/plan', planBody(values));
        print(p, renderPlan(p));
        break;
      }
      default: {
        const e = await client.request<ExperimentView>('POST', `/v1/experiments/${id}/stop`, undefined, { idempotent: true });
        print(e, `experiment ${e.id} stopped: ${e.counts.events} events from ${e.counts.units} units; assay experiment report ${e.id}\n`);
      }
    }
    return 0;
  },
};
