import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@assay/config';

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.embedded).toBe(true);
    expect(c.s3.bucket).toBe('assay');
    expect(c.s3.allowedBuckets).toEqual(['assay']);
    expect(c.executionProviders).toEqual(['cpu']);
    expect(c.dataDir).toBe('./data');
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', ORT_EXECUTION_PROVIDERS: 'cpu,tpu', WORKER_CONCURRENCY: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).issues.join('\n');
      expect(text).toMatch(/PORT/);
      expect(text).toMatch(/ORT_EXECUTION_PROVIDERS/);
      expect(text).toMatch(/WORKER_CONCURRENCY/);
    }
  });

  it('requires API keys outside the embedded mode', () => {
    expect(() => loadConfig({ S3_ENDPOINT: 'http://minio:9000' })).toThrow(/ASSAY_API_KEYS/);
    const c = loadConfig({
      S3_ENDPOINT: 'http://minio:9000',
      ASSAY_API_KEYS: 'k'.repeat(20) + ', ' + 'j'.repeat(20),
      S3_ALLOWED_BUCKETS: 'a1b,c2d',
    });
    expect(c.auth.apiKeys).toHaveLength(2);
    expect(c.s3.allowedBuckets).toEqual(['assay', 'a1b', 'c2d']);
  });

  it('WORKER_MODALITIES picks the scoring queues of a worker pool: every enabled modality by default, unknown ones refused', () => {
    expect(loadConfig({}).worker.modalities).toEqual(['image', 'video', 'audio', '3d']);
    expect(loadConfig({ WORKER_MODALITIES: 'video, video' }).worker.modalities).toEqual(['video']);
    expect(loadConfig({ WORKER_MODALITIES: 'image,audio' }).worker.modalities).toEqual(['image', 'audio']);
    expect(loadConfig({ WORKER_MODALITIES: 'image,3d' }).worker.modalities).toEqual(['image', '3d']);
    expect(() => loadConfig({ WORKER_MODALITIES: 'image,4d' })).toThrow(/WORKER_MODALITIES/);
  });

  it('looks for models in MODEL_DIR, then ASSAY_DATA_DIR/models', () => {
    expect(loadConfig({}).modelDirs).toEqual([resolve('data/models')]);
    expect(loadConfig({ MODEL_DIR: '/m', ASSAY_DATA_DIR: '/d' }).modelDirs).toEqual(['/m', '/d/models']);
    expect(loadConfig({ MODEL_DIR: '/d/models', ASSAY_DATA_DIR: '/d' }).modelDirs).toEqual(['/d/models']);
  });

  it('sends comparison verdicts only to an allowed host, signed', () => {
    expect(loadConfig({}).comparisonWebhook).toBeUndefined();
    const url = 'https://ci.example.com/assay/verdicts';
    expect(
      loadConfig({
        COMPARISON_WEBHOOK_URL: url,
        COMPARISON_WEBHOOK_SECRET: 'a-secret-of-16-chars',
        COMPARISON_WEBHOOK_ALLOWED_HOSTS: 'ci.example.com, x.org',
      }).comparisonWebhook,
    ).toEqual({ url, secret: 'a-secret-of-16-chars', allowedHosts: ['ci.example.com', 'x.org'] });
    expect(() => loadConfig({ COMPARISON_WEBHOOK_URL: url, COMPARISON_WEBHOOK_ALLOWED_HOSTS: 'other.example.com' })).toThrow(
      /COMPARISON_WEBHOOK_SECRET: required[\s\S]*COMPARISON_WEBHOOK_ALLOWED_HOSTS: must list ci\.example\.com/,
    );
    expect(() => loadConfig({ COMPARISON_WEBHOOK_URL: 'ftp://x', COMPARISON_WEBHOOK_SECRET: 'short' })).toThrow(
      /COMPARISON_WEBHOOK_URL[\s\S]*COMPARISON_WEBHOOK_SECRET/,
    );
  });

  it('takes cuda,cpu for GPU pods', () => {
    expect(loadConfig({ ORT_EXECUTION_PROVIDERS: 'cuda,cpu' }).executionProviders).toEqual(['cuda', 'cpu']);
  });
});
