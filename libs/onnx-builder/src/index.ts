export { ProtoWriter } from './protobuf.js';
export {
  DataType,
  encodeModel,
  type Attribute,
  type Dim,
  type ElemType,
  type Graph,
  type Model,
  type Node,
  type Tensor,
  type ValueInfo,
} from './onnx.js';
export { attr, GraphBuilder, tensor, type ModelOptions, type OpOptions } from './builder.js';
