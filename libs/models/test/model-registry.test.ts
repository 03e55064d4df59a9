import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InferenceHost } from '@assay/inference';
import { ModelDirectory, ModelRegistry, resolveModel, sha256File } from '@assay/models';
import { dropPrefix, quietLogger, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';

const det = resolveModel('ppocr-v4-det');
let dir: string;
let host: InferenceHost;
let registry: ModelRegistry;
let sha: string;

const manifest = (id: string, over: { file?: string; sha256?: string; task?: string; input?: string; dtype?: string } = {}) => `
id: ${id}
version: test-1
task: ${over.task ?? 'detector'}
file: ${over.file ?? 'det.onnx'}
sha256: '${over.sha256 ?? sha}'
license: Apache-2.0
source: a copy of the PP-OCRv4 detector, for tests
inputs:
  - { name: ${over.input ?? 'x'}, dtype: ${over.dtype ?? 'float32'}, shape: [batch, 3, height, width], layout: NCHW, source: image }
outputs:
  - { name: sigmoid_0.tmp_0, dtype: float32, shape: [batch, 1, height, width], meaning: map }
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-models-'));
  copyFileSync(det.path, join(dir, 'det.onnx'));
  sha = await sha256File(det.path);
  const files: Record<string, string> = {
    'good.model.yaml': manifest('det-copy'),
    'bad-hash.model.yaml': manifest('bad-hash', { sha256: '0'.repeat(64) }),
    'missing.model.yaml': manifest('missing-file', { file: 'nowhere.onnx' }),
    'wrong-input.model.yaml': manifest('wrong-input', { input: 'pixel_values' }),
    'wrong-dtype.model.yaml': manifest('wrong-dtype', { dtype: 'int64' }),
    'nested/unknown-task.model.yaml': manifest('unknown-task', { task: 'painter' }),
  };
  mkdirSync(join(dir, 'nested'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  host = new InferenceHost(['cpu'], quietLogger());
  registry = await ModelRegistry.open({ host, modelDirs: [dir] });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ModelRegistry', () => {
  it('finds built-in and MODEL_DIR manifests, and refuses an unknown task when reading', () => {
    expect(registry.known()).toEqual(
      expect.arrayContaining(['ppocr-v4-det', 'ppocr-v4-rec', 'ppocr-mobile-v2-cls', 'det-copy', 'bad-hash']),
    );
    expect(registry.known()).not.toContain('unknown-task');
    expect(registry.problems).toEqual([
      { source: expect.stringMatching(/nested\/unknown-task\.model\.yaml$/), message: expect.stringMatching(/^task: /) },
    ]);
  });

  it('loads a model after checking its sha256 and graph, once', async () => {
    const info = await registry.ensure('det-copy');
    expect(info).toMatchObject({ id: 'det-copy', version: 'test-1', task: 'detector', sha256: sha, provider: 'cpu', fellBack: false });
    expect(registry.ensure('det-copy')).toBe(registry.ensure('det-copy'));
  });

  it('refuses each broken manifest with the field named, and keeps serving the others', async () => {
    await expect(registry.ensure('bad-hash')).rejects.toThrow(
      /bad-hash\.model\.yaml: sha256: the manifest says 0{64}, .* has [0-9a-f]{64}/,
    );
    await expect(registry.ensure('missing-file')).rejects.toThrow(/missing\.model\.yaml: file: nowhere\.onnx not found/);
    await expect(registry.ensure('wrong-input')).rejects.toThrow(
      /inputs\[0\]\.name: the graph has no input "pixel_values" \(it has "x"\).*the graph's input "x" is not described/,
    );
    await expect(registry.ensure('wrong-dtype')).rejects.toThrow(/inputs\[0\]\.dtype: manifest says int64, the graph has float32/);
    await expect(registry.ensure('never-described')).rejects.toThrow(/model never-described: no manifest/);
    const ok = await host.run('det-copy', { x: { type: 'float32', data: new Float32Array(3 * 32 * 32), dims: [1, 3, 32, 32] } });
    expect(Object.keys(ok.outputs)).toEqual(['sigmoid_0.tmp_0']);
    expect((await registry.refused()).map((r) => r.id).sort()).toEqual([
      'bad-hash',
      'missing-file',
      'never-described',
      'wrong-dtype',
      'wrong-input',
    ]);
    expect(registry.loaded().map((m) => m.id)).toEqual(['det-copy']);
    expect(host.models().map((m) => m.id)).toEqual(['det-copy']); // refused graphs were released
  });
});

describe('ModelDirectory', () => {
  const prefix = testPrefix('models');
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await dropPrefix(prefix);
    redis.disconnect();
  });

  it('lists what each worker published, and forgets a withdrawn worker', async () => {
    const directory = new ModelDirectory(redis, prefix);
    const base = { host: 'h', pid: 1, refused: [], updatedAt: new Date().toISOString() };
    await directory.publish({ ...base, instance: 'a', models: [] });
    await directory.publish({ ...base, instance: 'b', models: [], refused: [{ id: 'x', reason: 'sha256' }] });
    expect((await directory.list()).map((w) => w.instance).sort()).toEqual(['a', 'b']);
    await directory.withdraw('a');
    expect((await directory.list()).map((w) => w.instance)).toEqual(['b']);
    expect(await redis.ttl(`${prefix}:workers:models:b`)).toBeGreaterThan(60);
  });
});
