import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, REDIS_URL, SHARED, testPrefix } from '../helpers/env.js';
import { exitOf, launch, portBase } from '../helpers/launcher.js';

const dirs: string[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const p of prefixes) await dropPrefix(p);
});

describe('npm start with MODEL_DIR set', () => {
  it('still converts the NSFW classifier (into ASSAY_DATA_DIR/models, never into MODEL_DIR) and the worker serves image-safety', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assay-data-'));
    dirs.push(dataDir);
    const prefix = testPrefix('local-models');
    prefixes.push(prefix);
    const port = await portBase();
    const modelDir = resolve(SHARED, 'models');
    const app = launch({ ASSAY_DATA_DIR: dataDir, PORT: String(port), REDIS_URL, ASSAY_REDIS_PREFIX: prefix, MODEL_DIR: modelDir });
    try {
      await app.until(/converted the nsfwjs classifier/, 120_000);
      await app.until(/Assay is up/, 120_000);
      expect(existsSync(join(dataDir, 'models', 'nsfw-mobilenet-v2.onnx'))).toBe(true);
      expect(existsSync(join(modelDir, 'nsfw-mobilenet-v2.onnx'))).toBe(false);
      const ready = (await (await fetch(`http://127.0.0.1:${port + 1}/readyz`)).json()) as { checks: { suites: { detail?: string } } };
      // both directories are read: image-safety (data dir) and speech-quality (MODEL_DIR's Silero VAD and DNSMOS)
      expect(ready.checks.suites.detail ?? '').not.toMatch(/image-safety unavailable|speech-quality unavailable/);
    } finally {
      app.child.kill('SIGTERM');
      await exitOf(app.child);
    }
  }, 180_000);
});
