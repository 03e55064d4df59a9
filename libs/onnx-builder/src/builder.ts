/**
 * A small graph-building API: values are referred to by name, ops get unique output names, and every
 * reference is checked when it is made, so a wiring mistake fails here rather than inside ONNX Runtime.
 */
import { encodeModel, type Attribute, type Dim, type ElemType, type Graph, type Node, type Tensor, type ValueInfo } from './onnx.js';

/** Attribute constructors: JavaScript numbers do not say whether they are ints or floats, so the caller does. */
export const attr = {
  int: (value: number | bigint): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  ints: (value: (number | bigint)[]): Attribute => ({ type: 'ints', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  tensor: (value: Tensor): Attribute => ({ type: 'tensor', value }),
};

function checkDims(dims: number[]): number {
  for (const d of dims) if (!Number.isInteger(d) || d < 0) throw new Error(`bad tensor dimension ${d} in ${JSON.stringify(dims)}`);
  return dims.reduce((a, b) => a * b, 1);
}

/** Tensor constructors; the data length must match the dims. */
export const tensor = {
  float32(dims: number[], data: ArrayLike<number>): Tensor {
    const n = checkDims(dims);
    if (data.length !== n) throw new Error(`float32 tensor ${JSON.stringify(dims)} needs ${n} values, got ${data.length}`);
    return { dtype: 'float32', dims: [...dims], data: Float32Array.from(data) };
  },
  int64(dims: number[], data: ArrayLike<number | bigint>): Tensor {
    const n = checkDims(dims);
    if (data.length !== n) throw new Error(`int64 tensor ${JSON.stringify(dims)} needs ${n} values, got ${data.length}`);
    return { dtype: 'int64', dims: [...dims], data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))) };
  },
};

export interface OpOptions {
  /** name of the (first) output; a unique one is made up otherwise */
  output?: string;
  /** number of outputs (default 1) */
  outputs?: number;
  domain?: string;
}

export interface ModelOptions {
  /** default 17: the newest opset Debian's python3-onnx (1.12) checks */
  opset?: number;
  /** default 8, the IR version of opset 17 */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** written to ModelProto.metadata_props */
  metadata?: Record<string, string>;
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: (Tensor & { name: string })[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly values = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(readonly name: string) {}

  private define(name: string): string {
    if (!name) throw new Error('a value needs a non-empty name');
    if (this.values.has(name)) throw new Error(`value ${name} is defined twice`);
    this.values.add(name);
    return name;
  }

  /** A fresh name from a prefix: `Conv_0`, `Conv_1`, … */
  unique(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    while (this.values.has(`${prefix}_${n}`)) n++;
    this.counters.set(prefix, n + 1);
    return `${prefix}_${n}`;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  input(name: string, elemType: ElemType, shape: Dim[]): string {
    this.inputs.push({ name, elemType, shape: [...shape] });
    return this.define(name);
  }

  /** A constant tensor stored in the graph (weights, shapes, axes). */
  initializer(name: string, value: Tensor): string {
    this.initializers.push({ ...value, name });
    return this.define(name);
  }

  /** An initializer under a made-up name. */
  constant(value: Tensor, prefix = 'const'): string {
    return this.initializer(this.unique(prefix), value);
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, options: Omit<OpOptions, 'outputs'> = {}): string {
    return this.opMulti(opType, inputs, attributes, { ...options, outputs: 1 })[0];
  }

  /** Adds a node and returns all its output names. An empty input name marks an omitted optional input. */
  opMulti(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, options: OpOptions = {}): string[] {
    for (const i of inputs) if (i !== '' && !this.values.has(i)) throw new Error(`${opType}: input ${i} is not defined yet`);
    const count = options.outputs ?? 1;
    const base = this.unique(opType);
    const outputs = Array.from({ length: count }, (_, k) =>
      this.define(k === 0 && options.output ? options.output : count === 1 ? base : `${base}_out${k}`),
    );
    this.nodes.push({
      opType,
      inputs: [...inputs],
      outputs,
      name: base,
      attributes,
      ...(options.domain ? { domain: options.domain } : {}),
    });
    return outputs;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, elemType: ElemType, shape: Dim[]): void {
    if (!this.values.has(name)) throw new Error(`output ${name} is not defined`);
    if (this.inputs.some((i) => i.name === name)) throw new Error(`output ${name} is a graph input; route it through Identity`);
    this.outputs.push({ name, elemType, shape: [...shape] });
  }

  graph(): Graph {
    if (!this.outputs.length) throw new Error(`graph ${this.name} has no outputs`);
    return {
      name: this.name,
      nodes: [...this.nodes],
      initializers: [...this.initializers],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
    };
  }

  /** The serialized ModelProto, ready to write to a `.onnx` file. */
  toModel(options: ModelOptions = {}): Uint8Array {
    return encodeModel({
      irVersion: options.irVersion ?? 8,
      opsetImports: [{ domain: '', version: options.opset ?? 17 }],
      producerName: options.producerName ?? '@assay/onnx-builder',
      producerVersion: options.producerVersion,
      docString: options.docString,
      metadata: options.metadata,
      graph: this.graph(),
    });
  }
}
