import { expect } from 'vitest';
import { pngOf, texturedRgb } from './images.js';
import { waitForClosed, type apiClient } from './services.js';

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
