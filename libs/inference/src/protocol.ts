/** Messages between the main thread and the inference thread. Tensor buffers are transferred, not copied. */
export type TensorType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
export type TensorArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface TensorData {
  type: TensorType;
  data: TensorArray;
  dims: number[];
}

export type ExecutionProviderName = 'cpu' | 'cuda';

export interface ModelSpec {
  id: string;
  version: string;
  path: string;
}

export interface ValueInfo {
  name: string;
  type?: string;
  shape?: (number | string)[];
}

export interface LoadedModel {
  id: string;
  version: string;
  sha256: string;
  /** the provider the session was really created with */
  provider: ExecutionProviderName;
  requestedProviders: ExecutionProviderName[];
  /** true when the session runs on a provider other than the first one asked for */
  fellBack: boolean;
  /** why preferred providers were not used */
  providerErrors: string[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export type Request =
  | { id: number; type: 'load'; spec: ModelSpec; providers: ExecutionProviderName[]; intraOpThreads?: number }
  | { id: number; type: 'run'; modelId: string; feeds: Record<string, TensorData> }
  | { id: number; type: 'unload'; modelId: string }
  | { id: number; type: 'close' };

export type Response =
  | { id: number; ok: true; model: LoadedModel }
  | { id: number; ok: true; outputs: Record<string, TensorData>; inferenceMs: number }
  | { id: number; ok: true; closed: true }
  | { id: number; ok: true; unloaded: string }
  | { id: number; ok: false; error: string };
