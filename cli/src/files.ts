import { readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { AssetSubmission, Modality } from '@assay/contracts';
import { InputError } from './errors.js';

/**
 * File extension → content type and modality; other files in a folder are skipped (and listed). The contracts'
 * MODALITY_DESCRIPTORS say the same (the CLI ships without the contracts' runtime; cli/test/files.test.ts
 * checks that both agree). A multi-file 3D asset (glTF + .bin + textures, OBJ + MTL + textures) goes as a .zip.
 */
export const FILE_TYPES: Record<string, { contentType: string; modality: Modality }> = {
  '.png': { contentType: 'image/png', modality: 'image' },
  '.jpg': { contentType: 'image/jpeg', modality: 'image' },
  '.jpeg': { contentType: 'image/jpeg', modality: 'image' },
  '.webp': { contentType: 'image/webp', modality: 'image' },
  '.gif': { contentType: 'image/gif', modality: 'image' },
  '.tif': { contentType: 'image/tiff', modality: 'image' },
  '.tiff': { contentType: 'image/tiff', modality: 'image' },
  '.avif': { contentType: 'image/avif', modality: 'image' },
  '.mp4': { contentType: 'video/mp4', modality: 'video' },
  '.m4v': { contentType: 'video/mp4', modality: 'video' },
  '.mov': { contentType: 'video/quicktime', modality: 'video' },
  '.webm': { contentType: 'video/webm', modality: 'video' },
  '.mkv': { contentType: 'video/x-matroska', modality: 'video' },
  '.avi': { contentType: 'video/x-msvideo', modality: 'video' },
  '.wav': { contentType: 'audio/wav', modality: 'audio' },
  '.flac': { contentType: 'audio/flac', modality: 'audio' },
  '.mp3': { contentType: 'audio/mpeg', modality: 'audio' },
  '.ogg': { contentType: 'audio/ogg', modality: 'audio' },
  '.oga': { contentType: 'audio/ogg', modality: 'audio' },
  '.opus': { contentType: 'audio/ogg', modality: 'audio' },
  '.m4a': { contentType: 'audio/mp4', modality: 'audio' },
  '.glb': { contentType: 'model/gltf-binary', modality: '3d' },
  '.gltf': { contentType: 'model/gltf+json', modality: '3d' },
  '.obj': { contentType: 'model/obj', modality: '3d' },
  '.ply': { contentType: 'model/ply', modality: '3d' },
  '.stl': { contentType: 'model/stl', modality: '3d' },
  '.zip': { contentType: 'application/zip', modality: '3d' },
};

/**
 * The API's asset id rule (libs/contracts AssetId), restated because the CLI ships without the contracts'
 * runtime; cli/test/files.test.ts checks that both accept the same names.
 */
const ASSET_ID = /^[\w.\-/:@+=~ ]{1,256}$/;
export const isAssetId = (id: string) => ASSET_ID.test(id);

export interface LocalAsset {
  assetId: string;
  path: string;
  contentType: string;
  modality: Modality;
}

export type SkipReason = 'unsupported' | 'hidden' | 'bad-name' | 'cycle';

/** How `describeSkipped` names the files skipped for each reason. */
const SKIP_REASONS: Record<SkipReason, (n: number) => string> = {
  unsupported: (n) => `${n} ${n === 1 ? 'file' : 'files'} with other extensions (not image, video, audio or 3D)`,
  hidden: (n) => `${n} hidden ${n === 1 ? 'file or folder' : 'files or folders'}`,
  cycle: (n) => `${n} ${n === 1 ? 'link' : 'links'} to a folder that contains ${n === 1 ? 'it' : 'them'}`,
  'bad-name': (n) =>
    `${n} ${n === 1 ? 'file whose name' : 'files whose names'} cannot be an asset id (letters, digits, space and . - / : @ + = ~ _ only, at most 256)`,
};

export interface Skipped {
  /** as the user would name it: relative to the folder given, or the file as given; folders end in "/" */
  name: string;
  path: string;
  reason: SkipReason;
}

export interface Collected {
  assets: LocalAsset[];
  skipped: Skipped[];
}

/**
 * Files given directly, and the supported files under folders (recursively, following links); asset ids are
 * paths relative to the folder given, or the file's name. Nothing is dropped silently: every file not
 * taken is in `skipped` with its reason. Hidden files and folders (".git", ".DS_Store") are skipped whole.
 */
export function collectAssets(inputs: string[]): Collected {
  const missing = inputs.filter((input) => !statOrUndefined(input));
  if (missing.length) throw new InputError(`no such file or folder: ${missing.join(', ')}`);
  const assets = new Map<string, LocalAsset>();
  const skipped: Skipped[] = [];
  const add = (path: string, assetId: string) => {
    const type = FILE_TYPES[extname(path).toLowerCase()];
    if (!type) return skipped.push({ name: assetId, path, reason: 'unsupported' });
    if (!isAssetId(assetId)) return skipped.push({ name: assetId, path, reason: 'bad-name' });
    const other = assets.get(assetId);
    if (other && realpathSync(other.path) !== realpathSync(path)) {
      throw new InputError(
        `two files would have the same asset id "${assetId}": ${other.path} and ${path}; evaluate them as separate runs`,
      );
    }
    assets.set(assetId, { assetId, path, ...type });
  };
  for (const input of inputs) {
    if (!statOrUndefined(input)!.isDirectory()) {
      add(input, basename(input));
      continue;
    }
    const walk = (dir: string, ancestors: string[]) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        const id = relative(input, path).split('\\').join('/');
        const stat = entry.isSymbolicLink() ? statOrUndefined(path) : entry;
        const isDir = stat?.isDirectory() ?? false;
        if (entry.name.startsWith('.')) skipped.push({ name: isDir ? `${id}/` : id, path, reason: 'hidden' });
        else if (!isDir) add(path, id);
        // a link to a folder that contains it would be read forever
        else if (ancestors.includes(realpathSync(path))) skipped.push({ name: `${id}/`, path, reason: 'cycle' });
        else walk(path, [...ancestors, realpathSync(path)]);
      }
    };
    walk(input, [realpathSync(input)]);
  }
  return { assets: [...assets.values()].sort((a, b) => a.assetId.localeCompare(b.assetId)), skipped };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** "skipped 2 files with other extensions (…): a.txt, b.md", a line per reason; at most `max` names each. */
export function describeSkipped(skipped: Skipped[], max = 10): string[] {
  const lines: string[] = [];
  for (const reason of Object.keys(SKIP_REASONS) as SkipReason[]) {
    const names = skipped.filter((s) => s.reason === reason).map((s) => s.name);
    if (!names.length) continue;
    const shown = names.slice(0, max).join(', ');
    const more = names.length > max ? `, and ${names.length - max} more` : '';
    lines.push(`skipped ${SKIP_REASONS[reason](names.length)}: ${shown}${more}`);
  }
  return lines;
}

/** The same path, however it was written (to leave the prompt file out of the skipped list). */
export const samePath = (a: string, b: string) => resolve(a) === resolve(b);

export interface PromptLine {
  file: string;
  prompt?: string;
  attributes?: AssetSubmission['attributes'];
}

/** JSONL: one `{"file": ..., "prompt": ..., "attributes": {...}}` per line, matched by asset id or file name. */
export function readPrompts(path: string): Map<string, PromptLine> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? `no such prompt file: ${path}` : `cannot read the prompt file ${path}: ${code ?? (err as Error).message}`,
    );
  }
  const map = new Map<string, PromptLine>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new InputError(`${path}:${i + 1}: not valid JSON`);
    }
    const p = parsed as Partial<PromptLine> | null;
    if (typeof p !== 'object' || p === null || typeof p.file !== 'string') throw new InputError(`${path}:${i + 1}: "file" is required`);
    if (p.prompt !== undefined && typeof p.prompt !== 'string') throw new InputError(`${path}:${i + 1}: "prompt" must be a string`);
    if (p.attributes !== undefined && (typeof p.attributes !== 'object' || p.attributes === null || Array.isArray(p.attributes)))
      throw new InputError(`${path}:${i + 1}: "attributes" must be an object`);
    map.set(p.file, p as PromptLine);
  });
  return map;
}
