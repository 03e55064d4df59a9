import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
};

export interface LocalAsset {
  assetId: string;
  path: string;
  contentType: string;
}

/** Files given directly, and supported files under folders (recursively); ids are paths relative to the folder. */
export function collectAssets(inputs: string[]): LocalAsset[] {
  const out = new Map<string, LocalAsset>();
  const add = (path: string, assetId: string) => {
    const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
    if (contentType) out.set(assetId, { assetId, path, contentType });
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
