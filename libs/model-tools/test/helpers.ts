import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { createLogger } from '@assay/observability';

/** `../shared` beside the repository, found from this file rather than the working directory. */
export const SHARED_MODELS = fileURLToPath(new URL('../../../../shared/models/', import.meta.url));

/** A temporary folder and an inference host, both cleaned up after the file's tests. */
export function testEnv(name: string): { dir: string; host: InferenceHost } {
  const dir = mkdtempSync(join(tmpdir(), `assay-${name}-`));
  const host = new InferenceHost(['cpu'], createLogger('test', 'silent'));
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, host };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
