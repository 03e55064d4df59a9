import type { ObjectRef } from '@assay/contracts';
import type { InferenceHost, LoadedModel } from '@assay/inference';
import type { ObjectStore } from '@assay/storage';
import type { ModelManifest } from './manifest.js';
import {
  BUILTIN_MANIFEST_DIR,
  manifestAssetPath,
  modelFilePath,
  readManifestDir,
  type ManifestEntry,
  type ManifestProblem,
} from './manifest-files.js';
import { mirrorS3Prefix } from './s3-mirror.js';
import { checkSignature, sha256File } from './verify.js';

export interface ModelRegistryOptions {
  host: InferenceHost;
  /**
   * MODEL_DIR, then ASSAY_DATA_DIR/models: manifests found below them (recursively) add to or replace the
   * built-in ones by id, an earlier directory's over a later one's; model files are looked for in them in order
   */
  modelDirs?: readonly string[];
  /** MODELS_URI: an S3 prefix mirrored into `cacheDir`, applied last */
  s3?: { store: ObjectStore; prefix: ObjectRef; cacheDir: string };
}

/** What the API reports about a loaded model. */
export interface ModelInfo {
  id: string;
  version: string;
  task: ModelManifest['task'];
  sha256: string;
  provider: string;
  requestedProviders: string[];
  fellBack: boolean;
  license: string;
  manifest: string;
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** The model is simply not there (no manifest, or no file): optional models are often not installed. */
export class ModelNotInstalled extends ModelLoadError {
  override name = 'ModelNotInstalled';
}

/**
 * The models a worker knows (from manifests) and the ones it has loaded. A model is loaded once per process,
 * on first use, after its file's sha256 and the graph's inputs and outputs were checked against the manifest;
 * a model that fails is refused with the field named, and the others keep working.
 */
export class ModelRegistry {
  private readonly loading = new Map<string, Promise<ModelInfo>>();
  private readonly info = new Map<string, ModelInfo>();

  private constructor(
    private readonly host: InferenceHost,
    private readonly entries: Map<string, ManifestEntry>,
    readonly problems: ManifestProblem[],
    private readonly modelDirs: readonly string[],
  ) {}

  static async open(options: ModelRegistryOptions): Promise<ModelRegistry> {
    const layers = [await readManifestDir(BUILTIN_MANIFEST_DIR, 'builtin')];
    const modelDirs = options.modelDirs ?? [];
    for (const dir of [...modelDirs].reverse()) layers.push(await readManifestDir(dir));
    if (options.s3) {
      const { store, prefix, cacheDir } = options.s3;
      layers.push(await readManifestDir(await mirrorS3Prefix(store, prefix, cacheDir), `s3://${prefix.bucket}/${prefix.key}`));
    }
    const entries = new Map<string, ManifestEntry>();
    const problems: ManifestProblem[] = [];
    for (const layer of layers) {
      problems.push(...layer.problems);
      const seen = new Set<string>();
      for (const e of layer.entries) {
        if (seen.has(e.manifest.id)) problems.push({ source: e.source, message: `id: ${e.manifest.id} is defined twice in one place` });
        seen.add(e.manifest.id);
        entries.set(e.manifest.id, e);
      }
    }
    return new ModelRegistry(options.host, entries, problems, modelDirs);
  }

  entry(id: string): ManifestEntry | undefined {
    return this.entries.get(id);
  }

  manifest(id: string): ModelManifest {
    const e = this.entries.get(id);
    if (!e) throw new ModelLoadError(`no manifest for model ${id}`);
    return e.manifest;
  }

  /** A file a manifest names (e.g. a vocabulary): beside the manifest, else in the model directories. */
  assetPath(id: string, relativePath: string): string {
    const e = this.entries.get(id);
    if (!e) throw new ModelLoadError(`no manifest for model ${id}`);
    return manifestAssetPath(e, relativePath, this.modelDirs);
  }

  /** The models an embedding input of `id` reads from, transitively (loaded before `id` is used). */
  dependencies(id: string, seen = new Set<string>()): string[] {
    const e = this.entries.get(id);
    if (!e || seen.has(id)) return [];
    seen.add(id);
    const direct = e.manifest.inputs.flatMap((i) => (i.from ? [i.from.model] : []));
    return [...new Set([...direct, ...direct.flatMap((d) => this.dependencies(d, seen))])];
  }

  /** Loads the model (once) after checking its file and graph; throws ModelLoadError naming the field. */
  ensure(id: string): Promise<ModelInfo> {
    let p = this.loading.get(id);
    if (!p) {
      p = this.load(id);
      this.loading.set(id, p);
    }
    return p;
  }

  private async load(id: string): Promise<ModelInfo> {
    const entry = this.entries.get(id);
    if (!entry)
      throw new ModelNotInstalled(
        `model ${id}: no manifest (looked in the built-in manifests${this.modelDirs.map((d) => ` and ${d}`).join('')})`,
      );
    const { manifest, source } = entry;
    let path: string;
    try {
      path = modelFilePath(entry, this.modelDirs);
    } catch (err) {
      throw new ModelNotInstalled((err as Error).message);
    }
    const sha256 = await sha256File(path);
    if (sha256 !== manifest.sha256)
      throw new ModelLoadError(`${source}: sha256: the manifest says ${manifest.sha256}, ${path} has ${sha256}`);
    let loaded: LoadedModel;
    try {
      loaded = await this.host.load({ id, version: manifest.version, path });
    } catch (err) {
      throw new ModelLoadError(`${source}: file: ONNX Runtime cannot load ${path}: ${(err as Error).message}`);
    }
    const problems = checkSignature(manifest, loaded);
    if (problems.length) {
      await this.host.unload(id);
      throw new ModelLoadError(`${source}: ${problems.join('; ')}`);
    }
    const info: ModelInfo = {
      id,
      version: manifest.version,
      task: manifest.task,
      sha256,
      provider: loaded.provider,
      requestedProviders: loaded.requestedProviders,
      fellBack: loaded.fellBack,
      license: manifest.license,
      manifest: source,
    };
    this.info.set(id, info);
    return info;
  }

  loaded(): ModelInfo[] {
    return [...this.info.values()];
  }

  /** Models whose load was tried and refused, with the reason (the manifest field named). */
  async refused(): Promise<{ id: string; reason: string }[]> {
    const out: { id: string; reason: string }[] = [];
    for (const [id, p] of this.loading) await p.catch((err: Error) => out.push({ id, reason: err.message }));
    return out;
  }

  known(): string[] {
    return [...this.entries.keys()].sort();
  }
}
