import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';

export type LocalModality = 'image' | 'video' | 'audio';

/** File extension → content type and modality; other files in a folder are skipped. */
export const FILE_TYPES: Record<string, { contentType: string; modality: LocalModality }> = {
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
};

export interface LocalAsset {
  assetId: string;
  path: string;
  contentType: string;
  modality: LocalModality;
}

/** Files given directly, and supported files under folders (recursively); ids are paths relative to the folder. */
export function collectAssets(inputs: string[]): LocalAsset[] {
  const out = new Map<string, LocalAsset>();
  const add = (path: string, assetId: string) => {
    const type = FILE_TYPES[extname(path).toLowerCase()];
    if (type) out.set(assetId, { assetId, path, ...type });
  };
  for (const input of inputs) {
    if (statSync(input).isDirectory()) {
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, entry.name);
          if (entry.isDirectory()) walk(p);
          else add(p, relative(input, p).split('\\').join('/'));
        }
      };
      walk(input);
    } else {
      add(input, basename(input));
    }
  }
  return [...out.values()].sort((a, b) => a.assetId.localeCompare(b.assetId));
}

export interface PromptLine {
  file: string;
  prompt?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** JSONL: one `{"file": ..., "prompt": ..., "attributes": {...}}` per line, matched by asset id or file name. */
export function readPrompts(path: string): Map<string, PromptLine> {
  const map = new Map<string, PromptLine>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let parsed: PromptLine;
      try {
        parsed = JSON.parse(line) as PromptLine;
      } catch {
        throw new Error(`${path}:${i + 1}: not valid JSON`);
      }
      if (typeof parsed.file !== 'string') throw new Error(`${path}:${i + 1}: "file" is required`);
      map.set(parsed.file, parsed);
    });
  return map;
}
