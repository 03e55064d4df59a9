import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteCatalog } from '@assay/suites';
import { applyThresholds, MetricRegistry } from '@assay/scoring';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';

let s3: TestS3;
const dirs: string[] = [];
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-suites-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const custom = `
name: image-default
description: stricter
modality: image
metrics:
  - metric: sharpness
    thresholds:
      laplacian_variance: { min: 100 }
`;

describe('SuiteCatalog', () => {
  it('ships the built-in suites, each valid against the metric registry', async () => {
    const catalog = await SuiteCatalog.load();
    const registry = await MetricRegistry.load();
    expect(catalog.list().map((s) => s.name)).toEqual(expect.arrayContaining(['image-default', 'image-fast']));
    for (const suite of catalog.list()) {
      expect(suite.source).toMatch(/^builtin\//);
      expect(() => registry.resolveSuite(suite)).not.toThrow();
    }
  });

  it('a folder overrides by name and adds suites; S3 overrides the folder', async () => {
    const dir = dirWith({ 'a.yaml': custom, 'b.yml': custom.replace('name: image-default', 'name: sharp-only') });
    await s3.store.put({ bucket: 'assay', key: 'suites/x.yaml' }, custom.replace('min: 100', 'min: 7'));
    const catalog = await SuiteCatalog.load({ dir, s3: { store: s3.store, prefix: { bucket: 'assay', key: 'suites/' } } });
    expect(catalog.get('sharp-only')?.metrics).toEqual([
      { metric: 'sharpness', params: {}, thresholds: { laplacian_variance: { min: 100 } } },
    ]);
    expect(catalog.get('image-default')).toMatchObject({
      description: 'stricter',
      source: 's3://assay/suites/x.yaml',
      metrics: [{ thresholds: { laplacian_variance: { min: 7 } } }],
    });
    expect(catalog.get('image-fast')?.source).toBe('builtin/image-fast.yaml');
  });

  it('refuses bad files with the file and the field named', async () => {
    await expect(SuiteCatalog.load({ dir: dirWith({ 'bad.yaml': 'name: [unclosed' }) })).rejects.toThrow(/bad\.yaml: not valid YAML/);
    await expect(SuiteCatalog.load({ dir: dirWith({ 'bad.yaml': custom.replace('{ min: 100 }', '{ min: 5, max: 1 }') }) })).rejects.toThrow(
      /bad\.yaml: metrics\.0\.thresholds\.laplacian_variance: min must not exceed max/,
    );
    await expect(SuiteCatalog.load({ dir: dirWith({ 'bad.yaml': custom.replace('modality: image', 'modality: smell') }) })).rejects.toThrow(
      /bad\.yaml: modality/,
    );
    await expect(SuiteCatalog.load({ dir: dirWith({ 'a.yaml': custom, 'b.yaml': custom }) })).rejects.toThrow(/defined twice/);
  });

  it("takes each modality's options block only in its own suites, with defaults filled", async () => {
    await expect(SuiteCatalog.load({ dir: dirWith({ 'bad.yaml': `${custom}mesh: { units: cm }\n` }) })).rejects.toThrow(
      /bad\.yaml: mesh: only 3d suites take `mesh` options/,
    );
    await expect(SuiteCatalog.load({ dir: dirWith({ 'bad.yaml': `${custom}video: {}\n` }) })).rejects.toThrow(
      /bad\.yaml: video: only video suites take `video` options/,
    );
    const mesh = custom.replace('name: image-default', 'name: mesh-cm').replace('modality: image', 'modality: 3d');
    const catalog = await SuiteCatalog.load({ dir: dirWith({ 'mesh.yaml': `${mesh}mesh: { units: cm, views: { count: 4 } }\n` }) });
    expect(catalog.get('mesh-cm')).toMatchObject({ mesh: { units: 'cm', views: { count: 4, size: 512, elevationDeg: 20 } } });
  });
});

describe('suite resolution and thresholds', () => {
  it('refuses unknown metrics, unknown params and thresholds on scores a metric does not have', async () => {
    const registry = await MetricRegistry.load();
    const suite = (metrics: object[]) => ({ name: 's', source: 'test', metrics: metrics as never });
    expect(() => registry.resolveSuite(suite([{ metric: 'sharpness', params: { sigma: 2 }, thresholds: {} }]))).toThrow(
      /sharpness takes no params/,
    );
    expect(() => registry.resolveSuite(suite([{ metric: 'sharpness', params: {}, thresholds: { nope: { min: 1 } } }]))).toThrow(
      /sharpness has no score nope/,
    );
  });

  it('passes, fails and skips per threshold', () => {
    const thresholds = [
      { score: 'a.x', min: 1 },
      { score: 'a.y', max: 0.5 },
      { score: 'b.z', min: 0, max: 1 },
    ];
    expect(applyThresholds(thresholds, { 'a.x': 2, 'a.y': 0.9 })).toEqual({
      pass: false,
      passed: ['a.x'],
      failures: [{ score: 'a.y', value: 0.9, min: undefined, max: 0.5 }],
      skipped: ['b.z'],
    });
    expect(applyThresholds(thresholds, { 'a.x': 1, 'a.y': 0.5, 'b.z': 1 })?.pass).toBe(true);
    expect(applyThresholds([], { 'a.x': 1 })).toBeUndefined();
  });
});
