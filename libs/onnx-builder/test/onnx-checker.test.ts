import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALPHA, buildFixture, C_FLOATS, C_TENSOR, LEAKY, TABLE, W } from './fixture.js';

/**
 * The reference reader: Debian's python3-onnx (`apt-get install python3-onnx`, 1.12, opset ≤ 17). It loads our
 * bytes with the real protobuf schema, runs the full checker (with shape inference) and dumps what it read.
 * Skipped where the package is missing.
 */
const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';

const DUMP = `
import json, sys, onnx
from onnx import helper, numpy_helper
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
def val(a):
    v = helper.get_attribute_value(a)
    if isinstance(v, onnx.TensorProto): return numpy_helper.to_array(v).tolist()
    if isinstance(v, bytes): return v.decode()
    return list(v) if isinstance(v, (list, tuple)) or hasattr(v, '__len__') else v
def dims(vi): return [d.dim_param if d.HasField('dim_param') else d.dim_value for d in vi.type.tensor_type.shape.dim]
print(json.dumps({
  'ir_version': m.ir_version,
  'opset': [[o.domain, o.version] for o in m.opset_import],
  'producer': m.producer_name,
  'nodes': [{'op': n.op_type, 'in': list(n.input), 'out': list(n.output), 'attrs': {a.name: val(a) for a in n.attribute}} for n in m.graph.node],
  'initializers': {t.name: {'dims': list(t.dims), 'type': t.data_type, 'values': numpy_helper.to_array(t).ravel().tolist()} for t in m.graph.initializer},
  'inputs': [[i.name, i.type.tensor_type.elem_type, dims(i)] for i in m.graph.input],
  'outputs': [[o.name, o.type.tensor_type.elem_type, dims(o)] for o in m.graph.output],
}))
`;

const dir = mkdtempSync(join(tmpdir(), 'assay-onnx-checker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('models written by @assay/onnx-builder, read by the onnx Python package (Debian python3-onnx; .ci/run installs it)', () => {
  it('pass onnx.checker.check_model(full_check=True) and read back as written', () => {
    const path = join(dir, 'fixture.onnx');
    writeFileSync(path, buildFixture().toModel());
    const run = spawnSync(PYTHON, ['-c', DUMP, path], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const m = JSON.parse(run.stdout);
    expect(m.ir_version).toBe(8);
    expect(m.opset).toEqual([['', 17]]);
    expect(m.producer).toBe('@assay/onnx-builder');
    expect(m.inputs).toEqual([
      ['x', 1, ['batch', 3]],
      ['ids', 7, ['batch', 2]],
    ]);
    expect(m.outputs).toEqual([
      ['y', 1, ['batch', 5]],
      ['z', 1, ['batch', 4]],
    ]);
    expect(m.nodes.map((n: { op: string }) => n.op)).toEqual([
      'Gemm',
      'LeakyRelu',
      'Constant',
      'Constant',
      'Add',
      'Add',
      'Constant',
      'Pad',
      'Gather',
      'Reshape',
    ]);
    const attrs = m.nodes.map((n: { attrs: unknown }) => n.attrs);
    expect(attrs[0]).toEqual({ alpha: ALPHA, transB: 1 });
    expect(attrs[1].alpha).toBeCloseTo(LEAKY, 7);
    expect(attrs[2]).toEqual({ value: C_TENSOR });
    expect(attrs[3]).toEqual({ value_floats: C_FLOATS });
    expect(attrs[6]).toEqual({ value_ints: [0, 1, 0, 1] });
    expect(attrs[7]).toEqual({ mode: 'edge' });
    expect(m.initializers.W).toEqual({ dims: [3, 3], type: 1, values: Array.from(Float32Array.from(W)) });
    expect(m.initializers.table.values).toEqual(TABLE);
    expect(m.initializers.shape_0).toEqual({ dims: [2], type: 7, values: [0, -1] });
  });
});
