import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const API_KEY_FILE = 'api-key';

/**
 * Local mode only: the API key kept in the data folder, created on first use.
 * Returns whether it was created now, so the caller prints it exactly once.
 */
export function ensureLocalApiKey(dataDir: string): { key: string; created: boolean; path: string } {
  const path = join(dataDir, API_KEY_FILE);
  try {
    const key = readFileSync(path, 'utf8').trim();
    if (key.length >= 16) return { key, created: false, path };
  } catch {
    // no key yet
  }
  mkdirSync(dataDir, { recursive: true });
  const key = `assay_${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { key, created: true, path };
}

export function readLocalApiKey(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, API_KEY_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
