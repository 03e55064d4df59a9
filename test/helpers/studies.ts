import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { dropPrefix, startTestS3, testPrefix, type TestS3 } from './env.js';
import { pngOf, texturedRgb } from './images.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from './services.js';

/** A suite of cheap image metrics, so that the runs a study rates close quickly. */
export const STUDY_SUITE = (name: string) => `name: ${name}
description: cheap image metrics, so that the runs of human evaluation tests close quickly
modality: image
metrics:
  - metric: resolution
  - metric: sharpness
`;

/** A closed run of one model version: one small textured image per prompt. */
export async function closedImageRun(
  api: ReturnType<typeof apiClient>,
  opts: {
    modelVersion: string;
    prompts: readonly string[];
    seed: number;
    suite: string;
    attributes?: (i: number) => Record<string, string>;
  },
): Promise<string> {
  const run = await api('POST', '/v1/runs', { name: `study ${opts.modelVersion}`, modelVersion: opts.modelVersion, suite: opts.suite });
  expect(run.status).toBe(201);
  const runId: string = run.json.id;
  const assets = opts.prompts.map((prompt, i) => ({
    assetId: `img-${i}.png`,
    modality: 'image',
    prompt,
    attributes: opts.attributes?.(i) ?? {},
  }));
  expect((await api('POST', `/v1/runs/${runId}/assets`, { assets })).json).toMatchObject({ accepted: opts.prompts.length });
  for (const [i, a] of assets.entries()) {
    const bytes = await pngOf(texturedRgb(320, 240, opts.seed + i), 320, 240);
    expect((await api('PUT', `/v1/runs/${runId}/assets/${a.assetId}/content`, new Uint8Array(bytes))).status).toBe(202);
  }
  await api('POST', `/v1/runs/${runId}/close`);
  await waitForClosed(api, runId);
  return runId;
}

/** Ingest, worker and aggregator on a private Redis prefix and S3, with the suite `e2e-<name>` of cheap metrics. */
export interface StudyStack {
  s3: TestS3;
  ingest: RunningService;
  api: ReturnType<typeof apiClient>;
  suite: string;
  stop(): Promise<void>;
}

export async function startStudyStack(name: string): Promise<StudyStack> {
  const prefix = testPrefix(name);
  const root = mkdtempSync(join(tmpdir(), `assay-${name}-e2e-`));
  const suite = `e2e-${name}`;
  const s3 = await startTestS3();
  const services: RunningService[] = [];
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
    await s3.close();
    await dropPrefix(prefix);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(root, 'suites'));
    writeFileSync(join(root, 'suites', `${suite}.yaml`), STUDY_SUITE(suite));
    const env = stackEnv(prefix, s3.s3.endpoint, { LOG_LEVEL: 'warn', SUITES_DIR: join(root, 'suites') });
    services.push(await startService('aggregator', env), await startService('worker', env));
    const ingest = await startService('ingest', env);
    services.push(ingest);
    return { s3, ingest, api: apiClient(ingest.url), suite, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
