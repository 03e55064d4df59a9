import { attr, GraphBuilder, tensor } from '@assay/onnx-builder';

/**
 * A model that uses every attribute kind (int, float, ints, floats, string, tensor), both tensor types
 * (float32 raw_data, int64 with negative values) and symbolic batch dims:
 *   y = Pad_edge(LeakyRelu(Gemm(x, W, b; alpha, transB)) + c_tensor + c_floats)     [batch, 5]
 *   z = Reshape(Gather(table, ids), [0, -1])                                        [batch, 4]
 */
export const W = [1, 2, 3, -1, 0.5, 0.25, 2, -3, 1]; // [3, 3] used transposed
export const B = [0.1, -0.2, 0.3];
export const C_TENSOR = [1, 2, 3];
export const C_FLOATS = [-0.5, 0.5, 0];
export const TABLE = [10, 11, 20, 21, 30, 31, 40, 41]; // [4, 2]
export const ALPHA = 0.5;
export const LEAKY = 0.1;

export function buildFixture(): GraphBuilder {
  const g = new GraphBuilder('fixture');
  const x = g.input('x', 'float32', ['batch', 3]);
  const ids = g.input('ids', 'int64', ['batch', 2]);
  const w = g.initializer('W', tensor.float32([3, 3], W));
  const b = g.initializer('b', tensor.float32([3], B));
  const gemm = g.op('Gemm', [x, w, b], { alpha: attr.float(ALPHA), transB: attr.int(1) });
  const act = g.op('LeakyRelu', [gemm], { alpha: attr.float(LEAKY) });
  const c1 = g.op('Constant', [], { value: attr.tensor(tensor.float32([3], C_TENSOR)) });
  const c2 = g.op('Constant', [], { value_floats: attr.floats(C_FLOATS) });
  const sum = g.op('Add', [g.op('Add', [act, c1]), c2]);
  const pads = g.op('Constant', [], { value_ints: attr.ints([0, 1, 0, 1]) });
  g.op('Pad', [sum, pads], { mode: attr.string('edge') }, { output: 'y' });
  const table = g.initializer('table', tensor.float32([4, 2], TABLE));
  const gathered = g.op('Gather', [table, ids], { axis: attr.int(0) });
  const shape = g.constant(tensor.int64([2], [0, -1]), 'shape');
  g.op('Reshape', [gathered, shape], {}, { output: 'z' });
  g.output('y', 'float32', ['batch', 5]);
  g.output('z', 'float32', ['batch', 4]);
  return g;
}

/** The same math in plain TypeScript. */
export function expectedFixture(x: number[][], ids: number[][]): { y: number[][]; z: number[][] } {
  const y = x.map((row) => {
    const h = [0, 1, 2].map((j) => {
      const v = ALPHA * row.reduce((s, xi, i) => s + xi * W[j * 3 + i], 0) + B[j];
      return (v < 0 ? LEAKY * v : v) + C_TENSOR[j] + C_FLOATS[j];
    });
    return [h[0], ...h, h[2]];
  });
  const z = ids.map((r) => r.flatMap((id) => [TABLE[id * 2], TABLE[id * 2 + 1]]));
  return { y, z };
}
