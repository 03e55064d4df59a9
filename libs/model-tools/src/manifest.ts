/**
 * Writing a model: the `.onnx` bytes and a `<name>.model.yaml` manifest beside them. The types mirror the
 * subset of libs/models' manifest schema these tools fill in (kept here so this package does not depend on
 * it; the tests validate what we write against that schema).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type Dim = number | string;

export interface ImagePreprocess {
  size: [number, number];
  resize: 'fill' | 'shorter-side' | 'longer-side';
  interpolation: 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'bilinear-align-corners';
  crop: 'none' | 'center';
  colorOrder: 'RGB' | 'BGR';
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface ManifestInput {
  name: string;
  dtype: 'float32' | 'int64';
  shape: Dim[];
  layout?: 'NCHW' | 'NHWC' | 'NC' | 'NL';
  source: 'image' | 'tokens' | 'attention-mask' | 'embedding';
  image?: ImagePreprocess;
  from?: { model: string; normalize: 'none' | 'l2' };
}

export interface ManifestOutput {
  name: string;
  dtype: 'float32';
  shape: Dim[];
  meaning: 'embedding' | 'logits' | 'probabilities' | 'score';
  labels?: string[];
  /** an embedding output's feature extractor name (labels distribution metrics) */
  features?: string;
}

export interface Manifest {
  id: string;
  version: string;
  task: 'image-embedding' | 'text-embedding' | 'image-classifier' | 'image-text-score' | 'embedding-head';
  file: string;
  sha256: string;
  license: string;
  source: string;
  inputs: ManifestInput[];
  outputs: ManifestOutput[];
  tokenizer?: { type: 'clip-bpe'; vocab: string; contextLength: number; truncation: 'end' };
  score?: { shift: number; divide: number; multiply: number; note?: string };
}

export interface WrittenModel {
  id: string;
  onnx: string;
  manifest: string;
  sha256: string;
  bytes: number;
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * Writes `<id>.onnx` and `<id>.model.yaml` into `outDir`, filling in `file` and `sha256`. `comment` lines go
 * at the top of the YAML, for what the schema cannot say.
 */
export function writeModel(
  outDir: string,
  onnx: Uint8Array,
  manifest: Omit<Manifest, 'file' | 'sha256'>,
  comment: string[] = [],
): WrittenModel {
  mkdirSync(outDir, { recursive: true });
  const file = `${manifest.id}.onnx`;
  const hash = sha256(onnx);
  const { id, version, task, license, source, ...rest } = manifest;
  const full: Manifest = { id, version, task, file, sha256: hash, license, source, ...rest };
  const onnxPath = join(outDir, file);
  const manifestPath = join(outDir, `${manifest.id}.model.yaml`);
  writeFileSync(onnxPath, onnx);
  const header = ['Written by @assay/model-tools; regenerate rather than edit.', ...comment].map((l) => `# ${l}\n`).join('');
  writeFileSync(manifestPath, header + stringify(full, { lineWidth: 0 }));
  return { id: manifest.id, onnx: onnxPath, manifest: manifestPath, sha256: hash, bytes: onnx.byteLength };
}
