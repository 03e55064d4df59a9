import { Worker } from 'node:worker_threads';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, type Logger } from '@assay/observability';
import type { ExecutionProviderName, LoadedModel, ModelSpec, Request, Response, TensorData } from './protocol.js';

// ONNX Runtime 1.29+ starts a telemetry client on Linux that writes mat-debug-<pid>.log into TMPDIR and tries
// HTTPS uploads. A scoring service sends nothing anywhere; the inference thread inherits this environment.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export interface RunResult {
  outputs: Record<string, TensorData>;
  inferenceMs: number;
  model: LoadedModel;
}

export class InferenceError extends Error {
  override name = 'InferenceError';
}

type Pending = { resolve: (r: Response) => void; reject: (e: Error) => void };
type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Main-thread side of the inference thread: loads models once, runs them, and restarts the thread (with
 * its models) if it dies. Exports the provider each model really uses, and inference time per model.
 */
export class InferenceHost {
  private thread!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly loaded = new Map<string, { spec: ModelSpec; model: LoadedModel }>();
  private closing = false;
  private readonly inferenceSeconds?: Histogram;
  private readonly modelInfo?: Gauge;

  constructor(
    private readonly providers: ExecutionProviderName[],
    private readonly logger: Logger,
    registry?: Registry,
    private readonly options: { intraOpThreads?: number } = {},
  ) {
    if (registry) {
      this.inferenceSeconds = new Histogram({
        name: 'assay_inference_duration_seconds',
        help: 'ONNX Runtime session.run time by model and the execution provider it ran on.',
        labelNames: ['model', 'provider'],
        buckets: DURATION_BUCKETS_SECONDS,
        registers: [registry],
      });
      this.modelInfo = new Gauge({
        name: 'assay_model_info',
        help: 'Loaded models (value 1) with the execution provider requested first and the one really used.',
        labelNames: ['model', 'version', 'requested', 'provider'],
        registers: [registry],
      });
    }
    this.spawn();
  }

  private spawn(): void {
    this.thread = new Worker(new URL('./thread.js', import.meta.url));
    this.thread.on('message', (res: Response) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      p.resolve(res);
    });
    this.thread.on('error', (err) => this.logger.error({ err }, 'inference thread error'));
    this.thread.on('exit', (code) => {
      const err = new InferenceError(`inference thread exited with code ${code}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.closing) return;
      this.logger.error({ code }, 'inference thread died; restarting it and reloading models');
      this.spawn();
      for (const { spec } of this.loaded.values()) {
        this.load(spec).catch((e) => this.logger.error({ err: e, model: spec.id }, 'model reload failed'));
      }
    });
  }

  private call(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<Response> {
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ ...body, id }, transfer);
    });
  }

  async load(spec: ModelSpec): Promise<LoadedModel> {
    const res = await this.call({ type: 'load', spec, providers: this.providers, intraOpThreads: this.options.intraOpThreads });
    if (!res.ok) throw new InferenceError(res.error);
    if (!('model' in res)) throw new InferenceError('unexpected reply to load');
    const model = res.model;
    this.loaded.set(spec.id, { spec, model });
    this.modelInfo?.set({ model: model.id, version: model.version, requested: model.requestedProviders[0], provider: model.provider }, 1);
    const log = {
      model: model.id,
      sha256: model.sha256,
      provider: model.provider,
      requested: model.requestedProviders,
      providerErrors: model.providerErrors,
    };
    if (model.fellBack) this.logger.warn(log, 'model loaded on a fallback execution provider');
    else this.logger.info(log, 'model loaded');
    return model;
  }

  /** Runs a loaded model. Input buffers are transferred to the thread: do not reuse them afterwards. */
  async run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult> {
    const entry = this.loaded.get(modelId);
    if (!entry) throw new InferenceError(`model ${modelId} is not loaded`);
    const transfer = [...new Set(Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer))];
    const res = await this.call({ type: 'run', modelId, feeds }, transfer);
    if (!res.ok) throw new InferenceError(res.error);
    if (!('outputs' in res)) throw new InferenceError('unexpected reply to run');
    this.inferenceSeconds?.observe({ model: modelId, provider: entry.model.provider }, res.inferenceMs / 1000);
    return { outputs: res.outputs, inferenceMs: res.inferenceMs, model: entry.model };
  }

  /** Releases a model's session (e.g. one whose graph did not match its manifest). */
  async unload(modelId: string): Promise<void> {
    if (!this.loaded.delete(modelId)) return;
    await this.call({ type: 'unload', modelId });
  }

  models(): LoadedModel[] {
    return [...this.loaded.values()].map((e) => e.model);
  }

  /** Not ready when a GPU pod's session silently fell back to the CPU. */
  readiness(): { ok: boolean; detail?: string } {
    const fell = this.models().filter((m) => m.fellBack);
    if (!fell.length) return { ok: true };
    return {
      ok: false,
      detail: fell
        .map((m) => `${m.id} runs on ${m.provider}, ${m.requestedProviders[0]} was requested: ${m.providerErrors.join('; ')}`)
        .join(' | '),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    try {
      await Promise.race([this.call({ type: 'close' }), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // the thread is gone already
    }
    await this.thread.terminate();
  }
}
