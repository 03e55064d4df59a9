import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, OPENCV_DATA, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { HAVE_MODELS, model, zipModels } from '../helpers/meshes.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

const prefix = testPrefix('e2e-mesh');
let s3: TestS3;
const services: RunningService[] = [];
let api: ReturnType<typeof apiClient>;
let worker: RunningService;
let suites: string;

/** A 3D suite with per-view image metrics on a small turntable (the built-in 3d-ar-product also needs the NSFW model). */
const VIEWS_SUITE = `
name: 3d-views
description: rendered views, checked like images
modality: 3d
mesh:
  views: { count: 4, size: 256 }
metrics:
  - metric: mesh_counts
  - metric: sharpness
    thresholds:
      laplacian_variance.min: { min: 1 }
  - metric: colorfulness
`;

beforeAll(async () => {
  suites = mkdtempSync(join(tmpdir(), 'assay-e2e-mesh-'));
  writeFileSync(join(suites, '3d-views.yaml'), VIEWS_SUITE);
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint, { SUITES_DIR: suites });
  worker = await startService('worker', env);
  services.push(await startService('aggregator', env), worker);
  const ingest = await startService('ingest', env);
  services.push(ingest);
  api = apiClient(ingest.url);
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
  rmSync(suites, { recursive: true, force: true });
});

/** Creates a run on `suite`, uploads `assets` (id → bytes), closes it and returns each asset's result. */
async function scoreRun(suite: string, assets: Record<string, Uint8Array>, attributes: Record<string, Record<string, string>> = {}) {
  const run = (await api('POST', '/v1/runs', { name: `mesh-${suite}`, suite })).json;
  const submitted = await api('POST', `/v1/runs/${run.id}/assets`, {
    assets: Object.keys(assets).map((assetId) => ({ assetId, modality: '3d', attributes: attributes[assetId] ?? {} })),
  });
  expect(submitted.status).toBe(202);
  for (const [id, bytes] of Object.entries(assets))
    expect((await api('PUT', `/v1/runs/${run.id}/assets/${id}/content`, bytes)).status).toBe(202);
  await api('POST', `/v1/runs/${run.id}/close`);
  await waitForClosed(api, run.id, 180_000);
  const results: Record<string, any> = {};
  for (const id of Object.keys(assets)) results[id] = (await api('GET', `/v1/runs/${run.id}/assets/${id}`)).json.result;
  return { runId: run.id as string, results, summary: (await api('GET', `/v1/runs/${run.id}/summary`)).json };
}

describe.skipIf(!HAVE_MODELS)('3D assets, end to end over HTTP, Redis, S3, a worker thread and headless Chromium', () => {
  it(
    'scores 3d-default on real GLB, OBJ bundle and PLY models and fails broken ones with their reasons',
    { timeout: 240_000 },
    async () => {
      const glb = model('glTF2/BoxTextured-glTF-Binary/BoxTextured.glb');
      const spiderFiles = [
        'spider.obj',
        'spider.mtl',
        'SpiderTex.jpg',
        'drkwood2.jpg',
        'engineflare1.jpg',
        'wal67ar_small.jpg',
        'wal69ar_small.jpg',
      ];
      const { results, summary } = await scoreRun('3d-default', {
        'box.glb': glb,
        'spider.zip': zipModels('OBJ', spiderFiles),
        'wuson.ply': model('PLY/Wuson.ply'),
        // half a GLB: its binary chunk is cut
        'truncated.glb': glb.subarray(0, glb.length >> 1),
        // a .gltf whose buffer and image are separate files, uploaded alone
        'alone.gltf': model('glTF2/BoxTextured-glTF/BoxTextured.gltf'),
        'escape.zip': zipSync({ '../evil.obj': model('OBJ/box.obj') }),
        'photo.png': new Uint8Array(readFileSync(join(OPENCV_DATA, 'fruits.jpg'))),
      });

      const box = results['box.glb'];
      expect(box).toMatchObject({
        status: 'completed',
        modality: '3d',
        mesh: { format: 'glb', bundle: false, unitSource: 'gltf', triangles: 12 },
      });
      expect(box.mesh.reader).toMatch(/gltf-validator 2\.0\.0-dev\.3\.10/);
      expect(box.scores).toMatchObject({
        'gltf_validation.errors': 0,
        'mesh_topology.watertight': 1,
        // split at UV seams: closed only once welded by position
        'mesh_topology.watertight_unwelded': 0,
        'mesh_topology.euler_characteristic': 2,
        'mesh_geometry.largest_side_m': 1,
        'mesh_geometry.volume_m3': 1,
        'texture_resolution.base_color_side': 211,
      });
      expect(box.scores['texel_density.median']).toBeCloseTo(211, 3);
      expect(box.checks.pass).toBe(true);

      const spider = results['spider.zip'];
      expect(spider).toMatchObject({ status: 'completed', mesh: { format: 'obj', bundle: true, unitSource: 'suite' } });
      // spider.mtl defines five materials; the OBJ uses four, each with its own JPEG
      expect(spider.scores['mesh_counts.materials']).toBe(4);
      expect(spider.scores['texture_resolution.count']).toBe(4);
      expect(spider.scores['texture_resolution.unreadable']).toBe(0);
      expect(spider.metrics.find((m: { metric: string }) => m.metric === 'gltf_validation')).toMatchObject({ status: 'not_applicable' });

      expect(results['wuson.ply']).toMatchObject({ status: 'completed', mesh: { format: 'ply' } });
      expect(results['wuson.ply'].scores['mesh_topology.boundary_edges']).toBeGreaterThan(0);

      expect(results['truncated.glb'].failure.code).toBe('mesh_unreadable');
      expect(results['alone.gltf'].failure).toMatchObject({ code: 'external_resource_refused' });
      expect(results['alone.gltf'].failure.message).toMatch(/BoxTextured0\.bin/);
      expect(results['escape.zip'].failure.code).toBe('bundle_invalid');
      expect(results['photo.png'].failure.code).toBe('unsupported_mesh_format');
      expect(summary.counts).toMatchObject({ completed: 3, failed: 4 });
      expect(summary.failures).toEqual({ mesh_unreadable: 1, external_resource_refused: 1, bundle_invalid: 1, unsupported_mesh_format: 1 });
      expect(summary.scores['mesh_counts.triangles'].count).toBe(3);

      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      const bundleFailures = metrics
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('assay_worker_failures_total{') &&
            ['modality="3d"', 'reason="bundle_invalid"', 'final="true"'].every((p) => l.includes(p)),
        );
      expect(bundleFailures.map((l) => l.split(' ').at(-1))).toEqual(['1']);
    },
  );

  it('holds a print suite in millimetres, an asset attribute overriding the unit', { timeout: 240_000 }, async () => {
    const stl = model('STL/Spider_binary.stl');
    const { results } = await scoreRun('3d-print', { mm: stl, cm: stl, hole: model('STL/sphereWithHole.stl') }, { cm: { units: 'cm' } });
    expect(results.mm.mesh).toMatchObject({ format: 'stl', unitScale: 0.001, unitSource: 'suite' });
    expect(results.cm.mesh).toMatchObject({ unitScale: 0.01, unitSource: 'attribute' });
    expect(results.cm.scores['mesh_geometry.largest_side_m']).toBeCloseTo(10 * results.mm.scores['mesh_geometry.largest_side_m'], 6);
    expect(results.hole.scores['mesh_topology.watertight']).toBe(0);
    expect(results.hole.scores['mesh_topology.boundary_edges']).toBeGreaterThan(0);
    expect(results.hole.checks.pass).toBe(false);
    expect(results.hole.checks.failures.map((f: { score: string }) => f.score)).toContain('mesh_topology.watertight');
  });

  it(
    'renders turntable views in headless Chromium, scores them as images and keeps them with the result',
    { timeout: 240_000 },
    async () => {
      const { results } = await scoreRun('3d-views', { 'box.glb': model('glTF2/BoxTextured-glTF-Binary/BoxTextured.glb') });
      const box = results['box.glb'];
      expect(box.status).toBe('completed');
      expect(box.mesh.views).toMatchObject({ count: 4, size: 256, elevationDeg: 20 });
      expect(box.mesh.views.uris).toHaveLength(4);
      for (const stat of ['mean', 'min', 'p5']) expect(box.scores[`sharpness.laplacian_variance.${stat}`]).toBeGreaterThan(0);
      expect(box.metrics.find((m: { metric: string }) => m.metric === 'sharpness').details).toEqual({ viewsScored: 4, viewsSampled: 4 });
      const [bucket, ...key] = box.mesh.views.contactSheetUri.replace('s3://', '').split('/');
      const sheet = await sharp(await s3.store.get({ bucket, key: key.join('/') })).metadata();
      expect(sheet.format).toBe('png');
      expect(sheet.width).toBeGreaterThanOrEqual(2 * 256);
    },
  );
});
