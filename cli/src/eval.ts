import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AssayClient } from './client.js';
import { collectAssets, readPrompts, type PromptLine } from './files.js';
import { Progress } from './progress.js';
import { renderSummary, type SummaryLike } from './summary-table.js';

export interface EvalOptions {
  inputs: string[];
  run?: string;
  promptFile?: string;
  /** default: `<modality>-default` for the files' modality */
  suite?: string;
  modelVersion: string;
  concurrency: number;
  timeoutSeconds: number;
  json: boolean;
}

interface RunView {
  id: string;
  status: string;
  counts: { submitted: number; completed: number; failed: number; awaitingContent: number };
}

const BATCH = 500;

/** Uploads the assets as a new run, waits for every score, closes the run and prints its summary. */
export async function evalCommand(client: AssayClient, o: EvalOptions): Promise<SummaryLike> {
  const assets = collectAssets(o.inputs);
  if (!assets.length) throw new Error(`no supported files in ${o.inputs.join(', ')}`);
  // a run scores one modality with one suite
  const modalities = [...new Set(assets.map((a) => a.modality))];
  if (modalities.length > 1) throw new Error(`one modality per run: found ${modalities.join(', ')} files; evaluate them as separate runs`);
  const modality = modalities[0];
  const prompts = o.promptFile ? readPrompts(o.promptFile) : new Map<string, PromptLine>();
  const meta = (id: string) => prompts.get(id) ?? prompts.get(basename(id));

  const run = await client.request<RunView>('POST', '/v1/runs', {
    name: o.run ?? `eval-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    suite: o.suite ?? `${modality}-default`,
    modelVersion: o.modelVersion,
    labels: { source: 'cli' },
  });
  const runPath = `/v1/runs/${run.id}`;
  process.stderr.write(`run ${run.id}: ${assets.length} assets\n`);
  for (let i = 0; i < assets.length; i += BATCH) {
    await client.request('POST', `${runPath}/assets`, {
      assets: assets.slice(i, i + BATCH).map((a) => ({
        assetId: a.assetId,
        modality,
        prompt: meta(a.assetId)?.prompt,
        attributes: meta(a.assetId)?.attributes ?? {},
      })),
    });
  }

  const progress = new Progress();
  let uploaded = 0;
  let next = 0;
  const uploader = async () => {
    while (next < assets.length) {
      const a = assets[next++];
      const bytes = new Uint8Array(await readFile(a.path));
      await client.request('PUT', `${runPath}/assets/${encodeURIComponent(a.assetId)}/content`, bytes, a.contentType);
      progress.update('upload', ++uploaded, assets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, assets.length) }, uploader));
  progress.finish();
  await client.request('POST', `${runPath}/close`);

  const deadline = Date.now() + o.timeoutSeconds * 1000;
  for (;;) {
    const view = await client.request<RunView>('GET', runPath);
    const c = view.counts;
    progress.update('score', c.completed + c.failed, c.submitted, c.failed ? `(${c.failed} failed)` : '');
    if (view.status === 'closed') break;
    if (Date.now() > deadline) {
      progress.finish();
      throw new Error(`gave up after ${o.timeoutSeconds} s; the run goes on: GET ${runPath}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  progress.finish();
  const summary = await client.request<SummaryLike>('GET', `${runPath}/summary`);
  process.stdout.write(o.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSummary(summary)}\n`);
  return summary;
}
