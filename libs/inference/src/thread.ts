/**
 * The inference thread. onnxruntime-node's `session.run` keeps the calling thread busy for the whole
 * inference; here it cannot starve the main thread's event loop (and with it BullMQ's lock renewals).
 * One session per model, created once and kept for the life of the process.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { ExecutionProviderName, LoadedModel, Request, Response, TensorArray, TensorData } from './protocol.js';

const sessions = new Map<string, ort.InferenceSession>();
const port = parentPort!;

function providerConfig(name: ExecutionProviderName): ort.InferenceSession.ExecutionProviderConfig {
  return name === 'cuda' ? { name: 'cuda', deviceId: 0 } : 'cpu';
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function load(req: Extract<Request, { type: 'load' }>): Promise<LoadedModel> {
  const sha256 = await sha256File(req.spec.path);
  const providerErrors: string[] = [];
  // Each provider is tried alone, so we know which one the session really got.
  for (const provider of req.providers) {
    try {
      const session = await ort.InferenceSession.create(req.spec.path, {
        executionProviders: [providerConfig(provider)],
        graphOptimizationLevel: 'all',
        // unset: ONNX Runtime's default (one thread per core); set it to share cores with other work
        ...(req.intraOpThreads ? { intraOpNumThreads: req.intraOpThreads } : {}),
      });
      await sessions.get(req.spec.id)?.release();
      sessions.set(req.spec.id, session);
      const info = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
        m.map((v) => ('type' in v && v.isTensor ? { name: v.name, type: v.type, shape: [...v.shape] } : { name: v.name }));
      return {
        id: req.spec.id,
        version: req.spec.version,
        sha256,
        provider,
        requestedProviders: req.providers,
        fellBack: provider !== req.providers[0],
        providerErrors,
        inputs: info(session.inputMetadata),
        outputs: info(session.outputMetadata),
      };
    } catch (err) {
      providerErrors.push(`${provider}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`model ${req.spec.id}: no execution provider could load ${req.spec.path} (${providerErrors.join('; ')})`);
}

async function run(req: Extract<Request, { type: 'run' }>) {
  const session = sessions.get(req.modelId);
  if (!session) throw new Error(`model ${req.modelId} is not loaded`);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const start = performance.now();
  const out = await session.run(feeds);
  const inferenceMs = performance.now() - start;
  const outputs: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(out))
    outputs[name] = { type: t.type as TensorData['type'], data: t.data as TensorArray, dims: [...t.dims] };
  return { outputs, inferenceMs };
}

async function handle(req: Request): Promise<void> {
  try {
    let res: Response;
    if (req.type === 'load') res = { id: req.id, ok: true, model: await load(req) };
    else if (req.type === 'run') {
      const { outputs, inferenceMs } = await run(req);
      res = { id: req.id, ok: true, outputs, inferenceMs };
      port.postMessage(
        res,
        Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer),
      );
      return;
    } else if (req.type === 'unload') {
      await sessions.get(req.modelId)?.release();
      sessions.delete(req.modelId);
      res = { id: req.id, ok: true, unloaded: req.modelId };
    } else {
      for (const s of sessions.values()) await s.release();
      sessions.clear();
      res = { id: req.id, ok: true, closed: true };
      port.postMessage(res);
      port.close();
      return;
    }
    port.postMessage(res);
  } catch (err) {
    port.postMessage({ id: req.id, ok: false, error: (err as Error).message } satisfies Response);
  }
}

port.on('message', (req: Request) => void handle(req));
