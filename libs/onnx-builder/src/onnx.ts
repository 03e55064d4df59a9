/**
 * The ONNX messages this package writes, as plain objects, and their protobuf encoding. Field numbers and
 * enum values are those of onnx/onnx.proto (proto2); only the fields listed here are ever written.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values for the element types we use. */
export const DataType = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9 } as const;
export type ElemType = keyof typeof DataType;

export type Tensor = { dtype: 'float32'; dims: number[]; data: Float32Array } | { dtype: 'int64'; dims: number[]; data: BigInt64Array };

/** A dimension: a fixed size, or a symbolic name (`dim_param`) such as `batch`. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elemType: ElemType;
  shape: Dim[];
  docString?: string;
}

export type Attribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number | bigint }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: (number | bigint)[] };

export interface Node {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, Attribute>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: (Tensor & { name: string })[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  docString?: string;
}

export interface Model {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
  graph: Graph;
}

/** AttributeProto.AttributeType */
const AttributeType = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function writeTensor(w: ProtoWriter, t: Tensor, name?: string): void {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length)
    throw new Error(`tensor ${name ?? ''}: dims ${JSON.stringify(t.dims)} hold ${count} values, data has ${t.data.length}`);
  w.packedVarints(1, t.dims);
  w.int(2, DataType[t.dtype]);
  if (name !== undefined) w.string(8, name);
  if (t.dtype === 'float32') {
    // raw_data is little-endian by the spec, whatever the host's byte order
    const raw = new Uint8Array(t.data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    w.bytes(9, raw);
  } else {
    w.packedVarints(7, t.data);
  }
}

function writeAttribute(w: ProtoWriter, name: string, a: Attribute): void {
  w.string(1, name);
  w.int(20, AttributeType[a.type]);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (m) => writeTensor(m, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedVarints(8, a.value);
      break;
  }
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  // TypeProto { tensor_type: TypeProto.Tensor { elem_type, shape: TensorShapeProto { dim* } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DataType[v.elemType]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
  if (v.docString) w.string(3, v.docString);
}

function writeGraph(w: ProtoWriter, g: Graph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t, t.name));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** A serialized ModelProto: the bytes of a `.onnx` file. */
export function encodeModel(model: Model): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName) w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (m) => writeGraph(m, model.graph));
  for (const o of model.opsetImports) {
    w.message(8, (m) => {
      m.string(1, o.domain);
      m.int(2, o.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, (m) => {
      m.string(1, key);
      m.string(2, value);
    });
  }
  return w.finish();
}
