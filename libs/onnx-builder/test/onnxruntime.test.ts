import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { createLogger } from '@assay/observability';
import { attr, GraphBuilder, tensor } from '@assay/onnx-builder';
import { buildFixture, expectedFixture } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-onnx-builder-'));
const host = new InferenceHost(['cpu'], createLogger('test', 'silent'));
const path = join(dir, 'fixture.onnx');

beforeAll(() => writeFileSync(path, buildFixture().toModel()));
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models written by @assay/onnx-builder, in onnxruntime-node', () => {
  it('load with the declared signature, symbolic dims included', async () => {
    const model = await host.load({ id: 'fixture', version: '1', path });
    expect(model.inputs).toEqual([
      { name: 'x', type: 'float32', shape: ['batch', 3] },
      { name: 'ids', type: 'int64', shape: ['batch', 2] },
    ]);
    expect(model.outputs).toEqual([
      { name: 'y', type: 'float32', shape: ['batch', 5] },
      { name: 'z', type: 'float32', shape: ['batch', 4] },
    ]);
  });

  it('compute what the graph says, for several batch sizes', async () => {
    for (const x of [
      [[1, 2, 3]],
      [
        [-1, 0.5, 2],
        [0, 0, 0],
        [-4, -3, 7.5],
      ],
    ]) {
      const ids = x.map((_, i) => [i % 4, 3 - (i % 4)]);
      const res = await host.run('fixture', {
        x: { type: 'float32', data: Float32Array.from(x.flat()), dims: [x.length, 3] },
        ids: { type: 'int64', data: BigInt64Array.from(ids.flat().map(BigInt)), dims: [x.length, 2] },
      });
      const want = expectedFixture(x, ids);
      expect(res.outputs.y.dims).toEqual([x.length, 5]);
      expect(res.outputs.z.dims).toEqual([x.length, 4]);
      Array.from(res.outputs.y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want.y.flat()[i], 5));
      expect(Array.from(res.outputs.z.data as Float32Array)).toEqual(want.z.flat());
    }
  });

  it('round-trips float32 weights bit for bit through raw_data', async () => {
    // values whose float32 rounding would show any byte-order or precision slip
    const values = [Math.PI, -0, 1e-38, -3.4e38, 1 / 3, 123456.789, Number.EPSILON, -7];
    const g = new GraphBuilder('identity');
    g.input('unused', 'float32', [1]);
    g.op('Identity', [g.initializer('w', tensor.float32([2, 4], values))], {}, { output: 'w_out' });
    g.output('w_out', 'float32', [2, 4]);
    const file = join(dir, 'identity.onnx');
    writeFileSync(file, g.toModel());
    await host.load({ id: 'identity', version: '1', path: file });
    const res = await host.run('identity', { unused: { type: 'float32', data: new Float32Array(1), dims: [1] } });
    expect(Array.from(res.outputs.w_out.data as Float32Array)).toEqual(Array.from(Float32Array.from(values)));
  });

  it('refuses bad wiring before anything is written', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', [1]);
    expect(() => g.op('Relu', ['nope'])).toThrow(/input nope is not defined/);
    expect(() => g.op('Relu', [x], {}, { output: 'x' })).toThrow(/defined twice/);
    expect(() => g.output('missing', 'float32', [1])).toThrow(/not defined/);
    expect(() => g.toModel()).toThrow(/no outputs/);
    expect(() => tensor.float32([2, 2], [1, 2, 3])).toThrow(/needs 4 values/);
    expect(attr.ints([1, -1])).toEqual({ type: 'ints', value: [1, -1] });
  });
});
