import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { InferenceHost } from '@assay/inference';
import { resolveModel } from '@assay/models';
import { quietLogger } from '../../../test/helpers/env.js';

const spec = resolveModel('ppocr-v4-det');
const hosts: InferenceHost[] = [];
afterAll(() => Promise.all(hosts.map((h) => h.close())));
const newHost = (providers: ('cpu' | 'cuda')[], registry?: Registry) => {
  const h = new InferenceHost(providers, quietLogger(), registry);
  hosts.push(h);
  return h;
};

describe('InferenceHost', () => {
  it('loads a model once, reports its hash, graph signature and real provider', async () => {
    const registry = new Registry();
    const host = newHost(['cpu'], registry);
    const model = await host.load(spec);
    expect(model.sha256).toBe(createHash('sha256').update(readFileSync(spec.path)).digest('hex'));
    expect(model).toMatchObject({ provider: 'cpu', fellBack: false, inputs: [{ name: 'x', type: 'float32' }] });
    expect(host.readiness().ok).toBe(true);
    expect(await registry.getSingleMetricAsString('assay_model_info')).toMatch(/model="ppocr-v4-det".*provider="cpu"/);
  });

  it('runs off the main thread: timers keep firing during inference', async () => {
    const host = newHost(['cpu']);
    await host.load(spec);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const size = 960;
    const res = await host.run('ppocr-v4-det', {
      x: { type: 'float32', data: new Float32Array(3 * size * size), dims: [1, 3, size, size] },
    });
    clearInterval(timer);
    expect(Object.values(res.outputs)[0].dims).toEqual([1, 1, size, size]);
    // if session.run blocked this thread, no tick could run until it returned
    expect(ticks).toBeGreaterThan(Math.floor(res.inferenceMs / 5 / 4));
  });

  it('on a machine without CUDA, a cuda,cpu pod falls back to CPU and is not ready', async () => {
    const host = newHost(['cuda', 'cpu']);
    const model = await host.load(spec);
    expect(model).toMatchObject({ provider: 'cpu', fellBack: true, requestedProviders: ['cuda', 'cpu'] });
    expect(model.providerErrors[0]).toMatch(/^cuda: /);
    const ready = host.readiness();
    expect(ready.ok).toBe(false);
    expect(ready.detail).toMatch(/runs on cpu, cuda was requested/);
  });

  it('refuses a missing file and an unknown model with clear errors', async () => {
    const host = newHost(['cpu']);
    await expect(host.load({ id: 'nope', version: '1', path: '/nonexistent/model.onnx' })).rejects.toThrow(/ENOENT|no such file/);
    await expect(host.run('never-loaded', {})).rejects.toThrow(/not loaded/);
  });
});
