import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type {
  AssetState,
  AssetSubmission,
  CreateRunRequest,
  ResultRecord,
  RunSummary,
  RunView,
  SubmitAssetsRequest,
} from '@assay/contracts';
import { parseOptions, positiveInteger, positiveNumber } from '../args.js';
import { ApiError, AssayClient } from '../client.js';
import type { Command, Context } from '../command.js';
import { CONFIG_FILE_HELP, CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from '../config.js';
import { CliError, ExitCode, InputError, UsageError } from '../errors.js';
import { collectAssets, describeSkipped, readPrompts, samePath, type LocalAsset, type PromptLine } from '../files.js';
import { Progress } from '../progress.js';
import { renderSummary } from '../summary-table.js';
import { COMPARISON_HELP, COMPARISON_OPTIONS, comparisonRequest, compareRuns, renderComparison, VERDICT_EXIT } from './compare.js';

const HELP = `usage: assay eval <folder-or-files...> [options]

Uploads the images, videos, audio files or 3D models (one modality per run) as a new run, waits for their
scores and prints the run summary. Folders are read recursively; files of other types and hidden files are
skipped and listed on stderr. A 3D model made of several files (glTF + .bin + textures, OBJ + MTL +
textures) goes as one .zip bundle.

options:
  --run NAME              run name (default: eval-<timestamp>)
  --prompt-file FILE      JSONL lines {"file": "a.png", "prompt": "...", "attributes": {...}}
  --suite NAME            scoring suite (default: image-default, video-default, audio-default or 3d-default by the files)
  --model-version V       model version the assets come from (default: unknown)
  --concurrency N         parallel uploads, 1 to 64 (default: 4)
  --timeout SECONDS       how long to wait for scores (default: 600)
  --json                  print the summary as JSON
  --allow-failures        exit 0 even when assets failed
  --compare-to RUN        then compare this run (the candidate) with RUN (a run id or name: the baseline)
                          and exit with the verdict, as assay compare does; with these options:
${COMPARISON_HELP}
${CONNECTION_HELP}
  -h, --help              this help

${CONFIG_FILE_HELP}

exit codes: 0 every asset scored, 1 assets failed (unless --allow-failures), 2 usage or input error,
3 service unreachable or request refused, 4 timed out waiting (the run goes on); with --compare-to, the
verdict's: 0 GO, 1 NO_GO, 5 INCONCLUSIVE. docs/cli.md has the details.
`;

const OPTIONS = {
  run: { type: 'string' },
  'prompt-file': { type: 'string' },
  suite: { type: 'string' },
  'model-version': { type: 'string', default: 'unknown' },
  concurrency: { type: 'string', default: '4' },
  timeout: { type: 'string', default: '600' },
  json: { type: 'boolean', default: false },
  'allow-failures': { type: 'boolean', default: false },
  'compare-to': { type: 'string' },
  ...COMPARISON_OPTIONS,
  ...CONNECTION_OPTIONS,
} as const;

const BATCH = 500;
/** per-asset look-ups of failures stop here (one request each); larger runs point to the API instead */
const MAX_FAILURE_LOOKUPS = 1000;
const SHOWN_FAILURES = 20;
/** upload answers about this asset's bytes (empty, too large, wrong type): the asset fails, the run goes on */
const ASSET_REFUSALS = new Set([400, 413, 415]);

/** GET /v1/runs/:runId/assets/:assetId (services/ingest AssetView), the part read here. */
interface AssetView {
  state: AssetState;
  result?: Pick<ResultRecord, 'status' | 'failure'>;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a folder (or files) of images, videos or audio as a new run and print its summary',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals: inputs } = parseOptions(args, OPTIONS);
    const concurrency = positiveInteger('concurrency', values.concurrency, 64);
    const timeoutSeconds = positiveNumber('timeout', values.timeout, 'seconds');
    if (!inputs.length) throw new UsageError('missing <folder-or-files>');
    const baseline = values['compare-to'];
    const comparison = baseline !== undefined ? comparisonRequest(values) : undefined;

    const { assets, skipped } = collectAssets(inputs);
    const promptFile = values['prompt-file'];
    for (const line of describeSkipped(skipped.filter((s) => !(promptFile && samePath(s.path, promptFile))))) ctx.err.write(`${line}\n`);
    if (!assets.length) throw new InputError(`no image, video, audio or 3D files in ${inputs.join(', ')}`);
    // a run scores one modality with one suite
    const modalities = [...new Set(assets.map((a) => a.modality))];
    if (modalities.length > 1)
      throw new InputError(`one modality per run: found ${modalities.join(', ')} files; evaluate them as separate runs`);
    const prompts = promptFile ? readPrompts(promptFile) : new Map<string, PromptLine>();
    const names = new Set(assets.flatMap((a) => [a.assetId, basename(a.assetId)]));
    const unmatched = [...prompts.keys()].filter((file) => !names.has(file));
    if (unmatched.length) {
      ctx.err.write(`${promptFile}: ${unmatched.length} line(s) name no file evaluated here: ${unmatched.slice(0, 10).join(', ')}\n`);
    }

    const connection = resolveConnection({ url: values.url, apiKey: values['api-key'] }, ctx.env, ctx.cwd);
    const client = new AssayClient(connection.url, connection.apiKey);
    const { runId, summary, failures } = await evaluate(client, ctx, {
      assets,
      prompts,
      modality: modalities[0],
      name: values.run ?? `eval-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      suite: values.suite ?? `${modalities[0]}-default`,
      modelVersion: values['model-version'],
      concurrency,
      timeoutSeconds,
    });
    const failed = summary.counts.failed;
    if (baseline !== undefined && comparison) {
      // the verdict decides the exit: its completeness criterion judges the failed assets
      if (failed) reportFailures(ctx, failures, failed, runId);
      const view = await compareRuns(client, ctx, { baseline, candidate: runId }, comparison, timeoutSeconds);
      ctx.out.write(
        values.json
          ? `${JSON.stringify({ summary, comparison: view }, null, 2)}\n`
          : `${renderSummary(summary)}\n\n${renderComparison(view.result)}`,
      );
      return VERDICT_EXIT[view.result.verdict.outcome];
    }
    ctx.out.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSummary(summary)}\n`);
    if (!failed) return ExitCode.Ok;
    reportFailures(ctx, failures, failed, runId);
    if (values['allow-failures']) return ExitCode.Ok;
    ctx.err.write(`assay eval: ${failed} of ${summary.counts.submitted} assets failed (exit 1; --allow-failures exits 0)\n`);
    return ExitCode.AssetsFailed;
  },
};

interface Plan {
  assets: LocalAsset[];
  prompts: Map<string, PromptLine>;
  modality: LocalAsset['modality'];
  name: string;
  suite: string;
  modelVersion: string;
  concurrency: number;
  timeoutSeconds: number;
}

interface Failure {
  assetId: string;
  reason: string;
}

/** Creates the run, submits and uploads the assets, closes the run and waits for its final summary. */
async function evaluate(
  client: AssayClient,
  ctx: Context,
  p: Plan,
): Promise<{ runId: string; summary: RunSummary; failures: Failure[] | undefined }> {
  const meta = (id: string) => p.prompts.get(id) ?? p.prompts.get(basename(id));
  const create: CreateRunRequest = { name: p.name, suite: p.suite, modelVersion: p.modelVersion, labels: { source: 'cli' } };
  const run = await client.request<RunView>('POST', '/v1/runs', create);
  const runPath = `/v1/runs/${run.id}`;
  ctx.err.write(`run ${run.id} (${run.name}): ${p.assets.length} ${p.modality} assets, suite ${run.suite}\n`);
  // past this point the run exists: every error names it, so nothing is left behind unexplained
  try {
    for (let i = 0; i < p.assets.length; i += BATCH) {
      const body: SubmitAssetsRequest = {
        assets: p.assets.slice(i, i + BATCH).map((a): AssetSubmission => ({
          assetId: a.assetId,
          modality: p.modality,
          prompt: meta(a.assetId)?.prompt,
          attributes: meta(a.assetId)?.attributes ?? {},
        })),
      };
      await client.request('POST', `${runPath}/assets`, body, { idempotent: true });
    }

    const refused = new Map<string, string>();
    const progress = new Progress(ctx.err);
    let uploaded = 0;
    let next = 0;
    const uploader = async () => {
      while (next < p.assets.length) {
        const a = p.assets[next++];
        try {
          const bytes = new Uint8Array(await readFile(a.path));
          await client.request('PUT', `${runPath}/assets/${encodeURIComponent(a.assetId)}/content`, bytes, {
            contentType: a.contentType,
            idempotent: true,
          });
        } catch (err) {
          // this asset's bytes were refused or unreadable: it fails (content_missing at close), the others go on
          if (err instanceof ApiError && ASSET_REFUSALS.has(err.status)) refused.set(a.assetId, `upload refused: ${err.message}`);
          else if (!(err instanceof CliError))
            refused.set(a.assetId, `cannot read ${a.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          else throw err;
        }
        progress.update('upload', ++uploaded, p.assets.length, refused.size ? `(${refused.size} refused)` : '');
      }
    };
    await Promise.all(Array.from({ length: Math.min(p.concurrency, p.assets.length) }, uploader));
    progress.finish();
    await client.request('POST', `${runPath}/close`, undefined, { idempotent: true });

    const deadline = Date.now() + p.timeoutSeconds * 1000;
    for (;;) {
      const view = await client.request<RunView>('GET', runPath, undefined, { idempotent: true });
      const c = view.counts;
      progress.update('score', c.completed + c.failed, c.submitted, c.failed ? `(${c.failed} failed)` : '');
      if (view.status === 'closed') break;
      if (Date.now() > deadline) {
        progress.finish();
        throw new CliError(
          `gave up waiting after ${p.timeoutSeconds} s with ${c.completed + c.failed} of ${c.submitted} assets scored; the run goes on: GET ${runPath}`,
          ExitCode.Timeout,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    progress.finish();
    const summary = await client.request<RunSummary>('GET', `${runPath}/summary`, undefined, { idempotent: true });
    const failures = summary.counts.failed ? await findFailures(client, runPath, p, refused) : [];
    return { runId: run.id, summary, failures };
  } catch (err) {
    if (err instanceof CliError && err.exitCode !== ExitCode.Timeout) err.message = `${err.message} (run ${run.id})`;
    throw err;
  }
}

/** Which assets failed and why: refusals known from the upload, the rest from the API; undefined for runs too large to ask. */
async function findFailures(client: AssayClient, runPath: string, p: Plan, refused: Map<string, string>): Promise<Failure[] | undefined> {
  const rest = p.assets.filter((a) => !refused.has(a.assetId));
  if (rest.length > MAX_FAILURE_LOOKUPS) return undefined;
  const found = new Map<string, string>();
  let next = 0;
  const ask = async () => {
    while (next < rest.length) {
      const { assetId } = rest[next++];
      const view = await client.request<AssetView>('GET', `${runPath}/assets/${encodeURIComponent(assetId)}`, undefined, {
        idempotent: true,
      });
      if (view.state === 'failed')
        found.set(assetId, view.result?.failure ? `${view.result.failure.code}: ${view.result.failure.message}` : 'failed');
    }
  };
  await Promise.all(Array.from({ length: Math.min(p.concurrency, rest.length) }, ask));
  return p.assets
    .filter((a) => refused.has(a.assetId) || found.has(a.assetId))
    .map((a) => ({ assetId: a.assetId, reason: refused.get(a.assetId) ?? found.get(a.assetId)! }));
}

function reportFailures(ctx: Context, failures: Failure[] | undefined, failed: number, runId: string): void {
  if (!failures?.length) {
    ctx.err.write(`${failed} assets failed; per asset: GET /v1/runs/${runId}/assets/<assetId>\n`);
    return;
  }
  ctx.err.write(`failed assets:\n`);
  const width = Math.min(40, Math.max(...failures.map((f) => f.assetId.length)));
  for (const f of failures.slice(0, SHOWN_FAILURES)) ctx.err.write(`  ${f.assetId.padEnd(width)}  ${f.reason}\n`);
  if (failures.length > SHOWN_FAILURES)
    ctx.err.write(`  … and ${failures.length - SHOWN_FAILURES} more: GET /v1/runs/${runId}/assets/<assetId>\n`);
}
